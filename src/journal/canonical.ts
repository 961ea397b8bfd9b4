/**
 * The chain rules, in one place: canonical JSON and the row hash. The journal store,
 * the verifier and the audit bundles all use these functions, never a copy.
 */
import { hash as oneShotHash } from 'node:crypto';
import type { EventType, JournalEvent } from './events.js';

/** prev_hash of the first row of a journal. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Deterministic JSON: object keys sorted by UTF-16 code unit, no whitespace, `undefined`
 * members left out (as JSON.stringify does), non-finite numbers as null.
 */
export function canonicalJson(value: unknown): string {
  const s = canonical(value);
  return s === undefined ? 'null' : s;
}

function canonical(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new TypeError('canonicalJson: bigint is not JSON');
    case 'object': {
      if (value === null) return 'null';
      const withJson = value as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return canonical(withJson.toJSON());
      if (Array.isArray(value)) {
        return '[' + value.map((v) => canonical(v) ?? 'null').join(',') + ']';
      }
      const obj = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        const v = canonical(obj[key]);
        if (v !== undefined) parts.push(JSON.stringify(key) + ':' + v);
      }
      return '{' + parts.join(',') + '}';
    }
  }
}

/** The fields of a row that the hash covers (everything but the hashes themselves). */
export interface HashedRow<T extends EventType = EventType> {
  seq: number;
  station: string;
  atMs: number;
  local: string;
  type: T;
  payload: JournalEvent<T>['payload'];
}

/**
 * The canonical text of a row, as hashed. `payloadJson`, when given, is the payload's stored
 * canonical text, used as is (verification of a journal file skips re-encoding every payload;
 * a stored text that is not canonical then fails its hash, as a modified row should).
 */
export function canonicalRow(row: HashedRow, payloadJson?: string): string {
  const { atMs, local, seq, station, type } = row;
  // Fast path for well-typed rows (every row loaxa writes); the general one below handles the rest.
  if (Number.isFinite(atMs) && Number.isFinite(seq) && typeof local === 'string' && typeof station === 'string' && typeof type === 'string') {
    const payload = payloadJson ?? canonical(row.payload);
    return (
      `{"atMs":${JSON.stringify(atMs)},"local":${JSON.stringify(local)},` +
      (payload === undefined ? '' : `"payload":${payload},`) +
      `"seq":${JSON.stringify(seq)},"station":${JSON.stringify(station)},"type":${JSON.stringify(type)}}`
    );
  }
  // Keys in sorted order: atMs, local, payload, seq, station, type.
  const parts: string[] = [];
  const add = (key: string, text: string | undefined) => {
    if (text !== undefined) parts.push(`"${key}":${text}`);
  };
  add('atMs', canonical(atMs));
  add('local', canonical(local));
  add('payload', payloadJson ?? canonical(row.payload));
  add('seq', canonical(seq));
  add('station', canonical(station));
  add('type', canonical(type));
  return '{' + parts.join(',') + '}';
}

/** hash = sha256(prev_hash ‖ canonical row), lower-case hex. */
export function rowHash(prevHash: string, row: HashedRow, payloadJson?: string): string {
  return oneShotHash('sha256', prevHash + canonicalRow(row, payloadJson), 'hex');
}
