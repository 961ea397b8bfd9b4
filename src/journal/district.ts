/**
 * The district store: one SQLite file holding many stations' verified journal rows, the
 * station keys the district registered, and a record of every import. The SQL lives here
 * (only journal/ knows SQL); the decisions — what to accept, what is a rewritten past —
 * are made by audit/, inside one transaction from `transaction()`.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXIT, LoaxaError } from '../i18n/index.js';
import type { EventType, JournalEvent } from './events.js';

/** What a report reads of a row: no hashes (checked on import), no station (asked for). */
export type ReportRow = Pick<JournalEvent, 'seq' | 'atMs' | 'local' | 'type' | 'payload'>;

/** Rows per multi-row INSERT: fewer calls into SQLite for the same rows. */
const INSERT_BATCH = 32;

type DB = Database.Database;

/** Versioned migrations of the district store (entry i: user_version i → i+1). Append only. */
export const DISTRICT_MIGRATIONS: ReadonlyArray<string> = [
  `CREATE TABLE district_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   INSERT INTO district_meta (key, value) VALUES ('format', 'loaxa-district');
   CREATE TABLE stations (
     id TEXT PRIMARY KEY,
     name TEXT, district TEXT, province TEXT, timezone TEXT,
     head_seq INTEGER NOT NULL,
     head_hash TEXT NOT NULL,
     first_import_ms INTEGER NOT NULL,
     last_import_ms INTEGER NOT NULL
   );
   CREATE TABLE station_keys (
     station TEXT NOT NULL,
     public_key TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     registered_ms INTEGER NOT NULL,
     how TEXT NOT NULL,
     bundle TEXT,
     PRIMARY KEY (station, public_key)
   );
   CREATE TABLE events (
     station TEXT NOT NULL,
     seq INTEGER NOT NULL,
     at_ms INTEGER NOT NULL,
     local TEXT NOT NULL,
     type TEXT NOT NULL,
     payload TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     PRIMARY KEY (station, seq)
   ) WITHOUT ROWID;
   CREATE INDEX events_station_local ON events(station, local);
   CREATE TRIGGER events_no_update BEFORE UPDATE ON events
     BEGIN SELECT RAISE(ABORT, 'district rows are append-only'); END;
   CREATE TRIGGER events_no_delete BEFORE DELETE ON events
     BEGIN SELECT RAISE(ABORT, 'district rows are append-only'); END;
   CREATE TABLE station_days (
     station TEXT NOT NULL,
     day TEXT NOT NULL,
     events INTEGER NOT NULL,
     PRIMARY KEY (station, day)
   ) WITHOUT ROWID;
   CREATE TABLE imports (
     id INTEGER PRIMARY KEY,
     station TEXT NOT NULL,
     at_ms INTEGER NOT NULL,
     file TEXT NOT NULL,
     bundle_sha256 TEXT NOT NULL,
     from_date TEXT NOT NULL,
     to_date TEXT NOT NULL,
     first_seq INTEGER NOT NULL,
     last_seq INTEGER NOT NULL,
     added INTEGER NOT NULL,
     key_fingerprint TEXT,
     key_registered INTEGER NOT NULL DEFAULT 0
   );`,
];

export interface DistrictStation {
  id: string;
  name: string | null;
  district: string | null;
  province: string | null;
  timezone: string | null;
  headSeq: number;
  headHash: string;
  firstImportMs: number;
  lastImportMs: number;
}

export interface DistrictKey {
  station: string;
  publicKey: string;
  fingerprint: string;
  registeredMs: number;
  /** 'trust-new-key' (registered on an import by the inspector's flag). */
  how: string;
  bundle: string | null;
}

export interface DistrictImport {
  id: number;
  station: string;
  atMs: number;
  file: string;
  bundleSha256: string;
  fromDate: string;
  toDate: string;
  firstSeq: number;
  lastSeq: number;
  added: number;
  keyFingerprint: string | null;
  keyRegistered: boolean;
}

/** Journal rows column by column; `payload` is the JSON text. */
export interface RowColumns {
  seq: number[];
  atMs: number[];
  local: string[];
  type: string[];
  payload: string[];
  prevHash: string[];
  hash: string[];
}

export interface StoredLink {
  seq: number;
  hash: string;
  prevHash: string;
}

export class DistrictStore {
  readonly path: string;
  private readonly db: DB;
  private readonly insertEvent: Database.Statement;
  private readonly insertEventBatch: Database.Statement;
  private readonly bumpDay: Database.Statement;
  /** An import run in progress in rollback-journal mode (see begin()). */
  private bulk = false;

  constructor(path: string, opts: { create: boolean }) {
    this.path = resolve(path);
    if (!opts.create && !existsSync(this.path)) throw new LoaxaError('audit.store.missing', { file: this.path }, EXIT.INVALID);
    try {
      if (opts.create) mkdirSync(dirname(this.path), { recursive: true });
      this.db = new Database(this.path, { fileMustExist: !opts.create });
      this.db.pragma('busy_timeout = 10000');
    } catch (e) {
      throw new LoaxaError('audit.store.notStore', { file: this.path }, EXIT.INVALID);
    }
    // Refuse someone else's file before changing anything in it (even its journal mode).
    const version = this.checkOwnFile();
    // A new store gets 16 KiB pages: events rows (hashes + JSON payload, ~0.5–1 KB) sit in a
    // WITHOUT ROWID b-tree, which wants several rows per page; an existing store keeps its size.
    if (version === 0) this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    // NORMAL, not FULL (as the station journal is): the district store is a derived copy of
    // bundles the inspector still holds. In WAL mode NORMAL cannot corrupt the file or tear a
    // transaction; a power cut can at worst lose the last import runs, which are re-run from
    // the same bundles. The station journal is the original record and stays FULL.
    this.db.pragma('synchronous = NORMAL');
    // An import run is one transaction over many bundles: room for its pages (64 MiB) saves spilling.
    this.db.pragma('cache_size = -65536');
    this.migrate(version);
    const values = (n: number) => Array(n).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    this.insertEvent = this.db.prepare(`INSERT INTO events (station, seq, at_ms, local, type, payload, prev_hash, hash) VALUES ${values(1)}`);
    this.insertEventBatch = this.db.prepare(`INSERT INTO events (station, seq, at_ms, local, type, payload, prev_hash, hash) VALUES ${values(INSERT_BATCH)}`);
    this.bumpDay = this.db.prepare(
      'INSERT INTO station_days (station, day, events) VALUES (?, ?, ?) ON CONFLICT (station, day) DO UPDATE SET events = events + excluded.events',
    );
  }

  private checkOwnFile(): number {
    let version: number;
    try {
      version = this.db.pragma('user_version', { simple: true }) as number;
      const tables = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
      // An existing database that is not ours (a station journal, another program's file) is refused, not migrated.
      if (version === 0 && tables.length > 0) throw new Error('foreign');
      if (version > 0 && !tables.some((t) => t.name === 'district_meta')) throw new Error('foreign');
    } catch {
      this.db.close();
      throw new LoaxaError('audit.store.notStore', { file: this.path }, EXIT.INVALID);
    }
    return version;
  }

  private migrate(version: number): void {
    if (version > DISTRICT_MIGRATIONS.length) {
      this.db.close();
      throw new LoaxaError('journal.db.tooNew', { version, supported: DISTRICT_MIGRATIONS.length }, EXIT.INVALID);
    }
    for (let v = version; v < DISTRICT_MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(DISTRICT_MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  }

  /**
   * Open a write transaction around several imports (each then runs as a savepoint inside it):
   * commit() lands them all; rollback() leaves the store exactly as it was.
   */
  begin(): void {
    // A run writes many new pages once. In rollback-journal mode they go straight into the file
    // (the journal keeps the few pages that existed before, so a rollback still restores them),
    // instead of into the WAL and again at the checkpoint — which for a district-year is a
    // gigabyte copied after the commit. Only possible while no one else has the store open:
    // otherwise the run stays in WAL mode. Either way it is one atomic transaction.
    try {
      this.bulk = this.db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
    } catch {
      this.bulk = false;
    }
    // Rollback-journal mode is only crash-safe with FULL syncs (a handful at the commit).
    if (this.bulk) this.db.pragma('synchronous = FULL');
    this.db.exec('BEGIN IMMEDIATE');
  }

  commit(): void {
    this.db.exec('COMMIT');
    this.endBulk();
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.endBulk();
  }

  private endBulk(): void {
    if (!this.bulk) return;
    this.bulk = false;
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
  }

  /** Run `fn` in one IMMEDIATE transaction (a savepoint inside begin()): all of it lands, or (on throw) none of it. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  stations(): DistrictStation[] {
    return (this.db.prepare('SELECT * FROM stations ORDER BY id').all() as Array<Record<string, unknown>>).map(toStation);
  }

  station(id: string): DistrictStation | null {
    const r = this.db.prepare('SELECT * FROM stations WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r ? toStation(r) : null;
  }

  upsertStation(s: Omit<DistrictStation, 'firstImportMs'> & { nowMs: number }): void {
    this.db
      .prepare(
        `INSERT INTO stations (id, name, district, province, timezone, head_seq, head_hash, first_import_ms, last_import_ms)
         VALUES (@id, @name, @district, @province, @timezone, @headSeq, @headHash, @nowMs, @nowMs)
         ON CONFLICT (id) DO UPDATE SET
           name = coalesce(excluded.name, name), district = coalesce(excluded.district, district),
           province = coalesce(excluded.province, province), timezone = coalesce(excluded.timezone, timezone),
           head_seq = excluded.head_seq, head_hash = excluded.head_hash, last_import_ms = excluded.last_import_ms`,
      )
      .run({ ...s, nowMs: s.nowMs });
  }

  keys(station: string): DistrictKey[] {
    return (this.db.prepare('SELECT * FROM station_keys WHERE station = ? ORDER BY registered_ms').all(station) as Array<Record<string, unknown>>).map((r) => ({
      station: r.station as string,
      publicKey: r.public_key as string,
      fingerprint: r.fingerprint as string,
      registeredMs: r.registered_ms as number,
      how: r.how as string,
      bundle: (r.bundle as string | null) ?? null,
    }));
  }

  addKey(k: DistrictKey): void {
    this.db
      .prepare('INSERT OR IGNORE INTO station_keys (station, public_key, fingerprint, registered_ms, how, bundle) VALUES (?, ?, ?, ?, ?, ?)')
      .run(k.station, k.publicKey, k.fingerprint, k.registeredMs, k.how, k.bundle);
  }

  /** Stored (seq, hash, prev_hash) of a station's rows with seq in [fromSeq, toSeq]. */
  links(station: string, fromSeq: number, toSeq: number): StoredLink[] {
    return this.db
      .prepare('SELECT seq, hash, prev_hash AS prevHash FROM events WHERE station = ? AND seq BETWEEN ? AND ? ORDER BY seq')
      .all(station, fromSeq, toSeq) as StoredLink[];
  }

  /**
   * Insert rows the caller has checked, given column by column (as a bundle worker hands
   * them over: cheap to pass between threads); `keep[i] === false` skips row i.
   */
  insertRows(station: string, rows: RowColumns, keep?: ArrayLike<boolean>): number {
    let n = 0;
    const perDay = new Map<string, number>();
    // Rows go in INSERT_BATCH at a time (one statement, one call), the rest one by one.
    const batch: unknown[] = new Array(INSERT_BATCH * 8);
    let inBatch = 0;
    for (let i = 0; i < rows.seq.length; i++) {
      if (keep && !keep[i]) continue;
      const o = inBatch * 8;
      batch[o] = station;
      batch[o + 1] = rows.seq[i];
      batch[o + 2] = rows.atMs[i];
      batch[o + 3] = rows.local[i];
      batch[o + 4] = rows.type[i];
      batch[o + 5] = rows.payload[i];
      batch[o + 6] = rows.prevHash[i];
      batch[o + 7] = rows.hash[i];
      if (++inBatch === INSERT_BATCH) {
        this.insertEventBatch.run(batch);
        inBatch = 0;
      }
      if (rows.type[i] !== 'seal') {
        const day = rows.local[i]!.slice(0, 10);
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
      }
      n++;
    }
    for (let k = 0; k < inBatch; k++) this.insertEvent.run(batch.slice(k * 8, k * 8 + 8));
    for (const [day, count] of perDay) this.bumpDay.run(station, day, count);
    return n;
  }

  /** Insert rows the caller has checked; rows already present are the caller's to skip. */
  insertEvents(events: Iterable<JournalEvent>): number {
    let n = 0;
    const perDay = new Map<string, number>();
    let station = '';
    for (const e of events) {
      this.insertEvent.run(e.station, e.seq, e.atMs, e.local, e.type, JSON.stringify(e.payload), e.prevHash, e.hash);
      station = e.station;
      if (e.type !== 'seal') {
        const day = e.local.slice(0, 10);
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
      }
      n++;
    }
    for (const [day, count] of perDay) this.bumpDay.run(station, day, count);
    return n;
  }

  recordImport(i: Omit<DistrictImport, 'id'>): void {
    this.db
      .prepare(
        `INSERT INTO imports (station, at_ms, file, bundle_sha256, from_date, to_date, first_seq, last_seq, added, key_fingerprint, key_registered)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(i.station, i.atMs, i.file, i.bundleSha256, i.fromDate, i.toDate, i.firstSeq, i.lastSeq, i.added, i.keyFingerprint, i.keyRegistered ? 1 : 0);
  }

  imports(station?: string): DistrictImport[] {
    const rows = (station
      ? this.db.prepare('SELECT * FROM imports WHERE station = ? ORDER BY id').all(station)
      : this.db.prepare('SELECT * FROM imports ORDER BY id').all()) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: r.id as number, station: r.station as string, atMs: r.at_ms as number, file: r.file as string,
      bundleSha256: r.bundle_sha256 as string, fromDate: r.from_date as string, toDate: r.to_date as string,
      firstSeq: r.first_seq as number, lastSeq: r.last_seq as number, added: r.added as number,
      keyFingerprint: (r.key_fingerprint as string | null) ?? null, keyRegistered: r.key_registered === 1,
    }));
  }

  /** Local days holding at least one non-seal event, with counts, ascending. */
  days(station: string): Array<{ day: string; events: number }> {
    return this.db.prepare('SELECT day, events FROM station_days WHERE station = ? ORDER BY day').all(station) as Array<{ day: string; events: number }>;
  }

  /** A station's rows whose local date is within [fromDay, toDay], by seq. */
  *iterateEvents(station: string, fromDay: string, toDay: string, types?: EventType[]): IterableIterator<JournalEvent> {
    // The seq range of those days from the (covering) local index, then one walk along the
    // primary key: no per-row index lookups, no sort. local text starts with the date, so
    // `< toDay + '~'` takes every time of the last day.
    const range = this.db
      .prepare('SELECT min(seq) AS lo, max(seq) AS hi FROM events WHERE station = ? AND local >= ? AND local < ?')
      .get(station, fromDay, toDay + '~') as { lo: number | null; hi: number | null };
    if (range.lo === null || range.hi === null) return;
    const typeSql = types && types.length ? ` AND type IN (${types.map(() => '?').join(',')})` : '';
    const stmt = this.db.prepare(
      `SELECT seq, station, at_ms, local, type, payload, prev_hash, hash FROM events WHERE station = ? AND seq BETWEEN ? AND ?${typeSql} AND local >= ? AND local < ? ORDER BY seq`,
    );
    // Read in pages of rows as arrays: much cheaper per row than a row-by-row iterator of objects.
    const PAGE = 5000;
    for (let lo = range.lo; lo <= range.hi; lo += PAGE) {
      const rows = stmt.raw(true).all(station, lo, Math.min(range.hi, lo + PAGE - 1), ...(types ?? []), fromDay, toDay + '~') as Array<[number, string, number, string, string, string, string, string]>;
      for (const [seq, st, atMs, local, type, payload, prevHash, hash] of rows) {
        yield { seq, station: st, atMs, local, type: type as EventType, payload: JSON.parse(payload) as JournalEvent['payload'], prevHash, hash };
      }
    }
  }

  /**
   * What a report reads of a station's rows whose local date is within [fromDay, toDay], by
   * seq: only the columns it uses (hashes were checked on import), payloads parsed once.
   */
  *reportRows(station: string, fromDay: string, toDay: string, types?: readonly EventType[]): IterableIterator<ReportRow> {
    const range = this.db
      .prepare('SELECT min(seq) AS lo, max(seq) AS hi FROM events WHERE station = ? AND local >= ? AND local < ?')
      .get(station, fromDay, toDay + '~') as { lo: number | null; hi: number | null };
    if (range.lo === null || range.hi === null) return;
    const typeSql = types && types.length ? ` AND type IN (${types.map(() => '?').join(',')})` : '';
    const stmt = this.db
      .prepare(`SELECT seq, at_ms, local, type, payload FROM events WHERE station = ? AND seq BETWEEN ? AND ?${typeSql} AND local >= ? AND local < ? ORDER BY seq`)
      .raw(true);
    const PAGE = 5000;
    for (let lo = range.lo; lo <= range.hi; lo += PAGE) {
      const rows = stmt.all(station, lo, Math.min(range.hi, lo + PAGE - 1), ...(types ?? []), fromDay, toDay + '~') as Array<[number, number, string, string, string]>;
      for (const r of rows) yield { seq: r[0], atMs: r[1], local: r[2], type: r[3] as EventType, payload: JSON.parse(r[4]) as JournalEvent['payload'] };
    }
  }

  count(station?: string): number {
    const r = (station
      ? this.db.prepare('SELECT count(*) AS n FROM events WHERE station = ?').get(station)
      : this.db.prepare('SELECT count(*) AS n FROM events').get()) as { n: number };
    return r.n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toStation(r: Record<string, unknown>): DistrictStation {
  return {
    id: r.id as string,
    name: (r.name as string | null) ?? null,
    district: (r.district as string | null) ?? null,
    province: (r.province as string | null) ?? null,
    timezone: (r.timezone as string | null) ?? null,
    headSeq: r.head_seq as number,
    headHash: r.head_hash as string,
    firstImportMs: r.first_import_ms as number,
    lastImportMs: r.last_import_ms as number,
  };
}

/** Open the district store; `create` makes the file on first import, readers need it to exist. */
export function openDistrictStore(path: string, opts: { create?: boolean } = {}): DistrictStore {
  return new DistrictStore(path, { create: opts.create ?? false });
}
