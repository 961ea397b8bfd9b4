/**
 * Reading the YAML document tree while keeping positions: every value read here can
 * point a diagnostic at its own line and column.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar } from 'yaml';
import type { Params } from '../i18n/index.js';
import { closest, type Diagnostic, type Severity } from './diagnostics.js';

export type YNode = Node | null | undefined;

export interface Entry {
  key: string;
  keyNode: Scalar;
  value: YNode;
}

/** Collects diagnostics against one document. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    private readonly doc: Document,
  ) {}

  positionOf(offset: number): { line: number; col: number } {
    return this.lines.linePos(offset);
  }

  private add(severity: Severity, where: YNode | number, key: string, params: Params, hint?: string): void {
    const offset = typeof where === 'number' ? where : (where?.range?.[0] ?? 0);
    const { line, col } = this.positionOf(offset);
    this.diagnostics.push({ severity, file: this.file, line, col, key, params, ...(hint === undefined ? {} : { hint }) });
  }

  error(where: YNode | number, key: string, params: Params = {}, hint?: string): void {
    this.add('error', where, key, params, hint);
  }

  warn(where: YNode | number, key: string, params: Params = {}, hint?: string): void {
    this.add('warning', where, key, params, hint);
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }

  /** Follow an alias to its anchor; aliases are bounded by the loader before any walk. */
  resolve(node: YNode): YNode {
    if (node && isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return node;
  }

  line(node: YNode): number {
    return this.positionOf(node?.range?.[0] ?? 0).line;
  }
}

/** True when the node is absent or an explicit null (`key:` with nothing after it). */
export function isEmpty(node: YNode): boolean {
  return node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === undefined));
}

/** The name readMap is given for the document's top level. */
export const TOP = 'schedule';

/**
 * A mapping's entries after checking its keys: unknown keys are errors with a
 * "did you mean" hint. Returns null (and reports) when the node is not a mapping.
 */
export function readMap(r: Reporter, node: YNode, name: string, allowed: readonly string[] | null, at?: YNode): Map<string, Entry> | null {
  node = r.resolve(node);
  if (!node || !isMap(node)) {
    if (name === TOP) r.error(node ?? at, 'schedule.type.topMapping');
    else r.error(node ?? at, 'schedule.type.mapping', { key: name });
    return null;
  }
  const out = new Map<string, Entry>();
  for (const pair of node.items) {
    const keyNode = r.resolve(pair.key as YNode);
    if (!keyNode || !isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
      r.error(keyNode ?? node, 'schedule.key.notText', { key: name });
      continue;
    }
    const key = String(keyNode.value);
    if (allowed && !allowed.includes(key)) {
      if (name === TOP) r.error(keyNode, 'schedule.key.unknownTop', { key }, closest(key, allowed));
      else r.error(keyNode, 'schedule.key.unknown', { key, where: name }, closest(key, allowed));
      continue;
    }
    if (out.has(key)) continue; // duplicate keys are reported by the YAML parser
    out.set(key, { key, keyNode: keyNode as Scalar, value: r.resolve(pair.value as YNode) });
  }
  return out;
}

/** A sequence's items, or null (reported) when the node is not a list. */
export function readList(r: Reporter, node: YNode, name: string, at?: YNode): YNode[] | null {
  node = r.resolve(node);
  if (!node || !isSeq(node)) {
    r.error(node ?? at, 'schedule.type.list', { key: name });
    return null;
  }
  return node.items.map((i) => r.resolve(i as YNode));
}

/** The scalar value of a node (numbers, booleans, strings), or undefined for collections. */
export function scalarValue(node: YNode): unknown {
  if (node && isScalar(node)) return node.value;
  return undefined;
}

/** A text value (numbers are accepted and turned into text, e.g. `district: 7`). */
export function readText(r: Reporter, node: YNode, name: string): string | undefined {
  const v = scalarValue(node);
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number') return String(v);
  r.error(node, 'schedule.type.string', { key: name });
  return undefined;
}

export function readBool(r: Reporter, node: YNode, name: string): boolean | undefined {
  const v = scalarValue(node);
  if (typeof v === 'boolean') return v;
  r.error(node, 'schedule.type.boolean', { key: name });
  return undefined;
}

export function readInt(r: Reporter, node: YNode, name: string, min: number, max: number): number | undefined {
  const v = scalarValue(node);
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  r.error(node, 'schedule.type.intRange', { key: name, min, max });
  return undefined;
}

export function readEnum<T extends string>(r: Reporter, node: YNode, name: string, choices: readonly T[]): T | undefined {
  const v = scalarValue(node);
  if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
  r.error(node, 'schedule.type.enum', { key: name, choices: choices.join(', ') }, typeof v === 'string' ? closest(v, choices) : undefined);
  return undefined;
}

/** Where model objects (programs, policies…) were written, for checks that run after loading. */
export const sourcePositions = new WeakMap<object, { file: string; line: number; col: number }>();

export function rememberPosition(r: Reporter, target: object, node: YNode): void {
  const { line, col } = r.positionOf(node?.range?.[0] ?? 0);
  sourcePositions.set(target, { file: r.file, line, col });
}
