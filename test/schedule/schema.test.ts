import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';
import * as model from '../../src/schedule/model.js';
import { HOLIDAY_NAMES } from '../../src/schedule/calendar.js';
import { exampleSchedule } from '../../src/schedule/index.js';

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  enum?: unknown[];
  $ref?: string;
};

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'schedule.schema.json'), 'utf8')) as JsonSchema & { definitions: Record<string, JsonSchema> };

/** Walk a YAML value next to its schema node; collect every key the schema does not know. */
function unknownKeys(value: unknown, node: JsonSchema, path: string, out: string[]): void {
  if (node.$ref) node = schema.definitions[node.$ref.replace('#/definitions/', '')]!;
  if (Array.isArray(value)) {
    const items = node.items ?? node.oneOf?.find((o) => o.items)?.items;
    if (items) value.forEach((v, i) => unknownKeys(v, items, `${path}[${i}]`, out));
    return;
  }
  if (value && typeof value === 'object') {
    const objectNode = node.properties || node.additionalProperties ? node : node.oneOf?.find((o) => o.properties);
    if (!objectNode) return;
    for (const [k, v] of Object.entries(value)) {
      const child = objectNode.properties?.[k] ?? (typeof objectNode.additionalProperties === 'object' ? objectNode.additionalProperties : undefined);
      if (!child) out.push(`${path}.${k}`);
      else unknownKeys(v, child, `${path}.${k}`, out);
    }
  }
}

const examples = readdirSync(join(ROOT, 'schedules')).filter((f) => f.endsWith('.yaml'));

describe('schema/schedule.schema.json', () => {
  it('is draft-07 and refuses unknown keys everywhere', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
  });

  it.each(examples)('knows every key of schedules/%s', (file) => {
    const doc = parse(readFileSync(join(ROOT, 'schedules', file), 'utf8'));
    const out: string[] = [];
    unknownKeys(doc, schema, '', out);
    expect(out).toEqual([]);
  });

  it('the walk does find keys the schema lacks', () => {
    const out: string[] = [];
    unknownKeys(parse('station: { id: a, name: b, tz: x }\nprograms: [{ id: p, inserts: [{ bulletin: b, offset: 1m }] }]\nzones: { z: { relay: r, channel: 1, colour: red } }\n'), schema, '', out);
    expect(out).toEqual(['.station.tz', '.programs[0].inserts[0].offset', '.zones.z.colour']);
  });

  it('knows every key of the init template', () => {
    const out: string[] = [];
    unknownKeys(parse(exampleSchedule('xa-moi', 'Mới')), schema, '', out);
    expect(out).toEqual([]);
  });

  it('has exactly the keys the loader accepts, section by section', () => {
    const props = (n: JsonSchema) => Object.keys(n.properties ?? {}).sort();
    const entry = (name: string) => schema.properties![name]!.additionalProperties as JsonSchema;
    const program = schema.properties!.programs!.items!;
    expect(props(schema)).toEqual([...model.TOP_KEYS].sort());
    expect(props(schema.properties!.station!)).toEqual([...model.STATION_KEYS].sort());
    expect(props(entry('sources'))).toEqual([...model.SOURCE_KEYS].sort());
    expect(props(entry('relays'))).toEqual([...model.RELAY_KEYS].sort());
    expect(props(schema.properties!.amplifier!)).toEqual([...model.AMPLIFIER_KEYS].sort());
    expect(props(entry('zones'))).toEqual([...model.ZONE_KEYS].sort());
    expect(props(schema.properties!.output!)).toEqual([...model.OUTPUT_KEYS].sort());
    expect(props(entry('bulletins'))).toEqual([...model.BULLETIN_KEYS].sort());
    expect(props(program)).toEqual([...model.PROGRAM_KEYS].sort());
    expect(props(program.properties!.inserts!.items!)).toEqual([...model.INSERT_KEYS].sort());
    expect(props(schema.properties!.exceptions!.items!)).toEqual([...model.EXCEPTION_KEYS].sort());
    expect(props(schema.properties!.policies!.items!)).toEqual([...model.POLICY_KEYS].sort());
  });

  it('lists the same holidays and enums as the loader', () => {
    expect(schema.properties!.exceptions!.items!.properties!.holiday!.enum).toEqual([...HOLIDAY_NAMES]);
    expect(schema.properties!.relays!.additionalProperties && (schema.properties!.relays!.additionalProperties as JsonSchema).properties!.driver!.enum).toEqual([...model.DRIVERS]);
    expect(schema.properties!.programs!.items!.properties!.priority!.enum).toEqual([...model.PRIORITIES]);
  });
});
