/**
 * The district store: one SQLite file holding many stations' verified journal rows, the
 * station keys the district registered, and a record of every import. The SQL lives here
 * (only journal/ knows SQL); the decisions — what to accept, what is a rewritten past —
 * are made by audit/, inside one transaction from `transaction()`.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, fdatasync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXIT, LoaxaError, fsReason, t, makeFolders } from '../i18n/index.js';
import type { EventType, JournalEvent } from './events.js';

/** What a report reads of a row: no hashes (checked on import), no station (asked for). */
export type ReportRow = Pick<JournalEvent, 'seq' | 'atMs' | 'local' | 'type' | 'payload'>;

type DB = Database.Database;

/**
 * Why a store could not be opened, as a person can act on it: a file that is not a store, or
 * one that is but can't be reached — no permission, or a read-only folder (in WAL mode SQLite
 * writes a shared-memory file beside the store, even to read it).
 */
function storeOpenError(file: string, e: unknown): LoaxaError {
  const code = String((e as { code?: unknown }).code ?? '');
  if (code.startsWith('SQLITE_READONLY')) {
    return new LoaxaError('audit.store.cannotOpen', { file, reason: t('journal.db.readonlyFolder') }, EXIT.INVALID);
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH' || /^E[A-Z]+$/.test(code)) {
    return new LoaxaError('audit.store.cannotOpen', { file, reason: fsReason(e, code.startsWith('SQLITE_') ? 'EACCES' : code) }, EXIT.INVALID);
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL') {
    return new LoaxaError('audit.store.cannotOpen', { file, reason: (e as Error).message }, EXIT.FAULT);
  }
  return new LoaxaError('audit.store.notStore', { file }, EXIT.INVALID);
}

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
  // 2: rows kept per station and local day (a "chunk": a run of consecutive seqs of one local
  // date) instead of one indexed row each — a district-year is ~11,000 chunks, not ~2 million
  // rows. A chunk holds its rows as JSON arrays ({seq, station, atMs, local, type, payload} each) and
  // their hashes as 32-byte binaries. Rows a report reads are kept apart from the others
  // (`split` = 1: the importer chose them), so a report parses only those; rows migrated from
  // the old table are all in other_rows (`split` = 0: a report reads both). `events` stays
  // readable as a view over the chunks.
  `CREATE TABLE event_chunks (
     station TEXT NOT NULL,
     first_seq INTEGER NOT NULL,
     last_seq INTEGER NOT NULL,
     first_day TEXT NOT NULL,
     last_day TEXT NOT NULL,
     first_prev_hash TEXT NOT NULL,
     hashes BLOB NOT NULL,
     split INTEGER NOT NULL,
     report_rows BLOB NOT NULL,
     other_rows BLOB NOT NULL,
     PRIMARY KEY (station, first_seq)
   );
   CREATE INDEX event_chunks_days ON event_chunks(station, last_day);
   INSERT INTO event_chunks (station, first_seq, last_seq, first_day, last_day, first_prev_hash, hashes, split, report_rows, other_rows)
     SELECT station, min(seq), max(seq), day, day, '', unhex(group_concat(hash, '' ORDER BY seq)), 0, CAST('[]' AS BLOB),
            CAST(json_group_array(json_object('seq', seq, 'station', station, 'atMs', at_ms, 'local', local, 'type', type, 'payload', json(payload)) ORDER BY seq) AS BLOB)
     FROM (SELECT *, substr(local, 1, 10) AS day,
                  seq - row_number() OVER (PARTITION BY station, substr(local, 1, 10) ORDER BY seq) AS run FROM events)
     GROUP BY station, day, run;
   UPDATE event_chunks SET first_prev_hash =
     (SELECT prev_hash FROM events e WHERE e.station = event_chunks.station AND e.seq = event_chunks.first_seq);
   DROP TRIGGER events_no_update;
   DROP TRIGGER events_no_delete;
   DROP TABLE events;
   CREATE VIEW events AS
     SELECT station, seq, at_ms, local, type, payload,
            CASE WHEN seq = first_seq THEN first_prev_hash ELSE lower(hex(substr(hashes, (seq - first_seq - 1) * 32 + 1, 32))) END AS prev_hash,
            lower(hex(substr(hashes, (seq - first_seq) * 32 + 1, 32))) AS hash
     FROM (
       SELECT c.station, c.first_seq, c.first_prev_hash, c.hashes, j.value ->> 'seq' AS seq, j.value ->> 'atMs' AS at_ms,
              j.value ->> 'local' AS local, j.value ->> 'type' AS type, json_extract(j.value, '$.payload') AS payload
       FROM event_chunks c, json_each(CAST(c.report_rows AS TEXT)) j
       UNION ALL
       SELECT c.station, c.first_seq, c.first_prev_hash, c.hashes, j.value ->> 'seq', j.value ->> 'atMs',
              j.value ->> 'local', j.value ->> 'type', json_extract(j.value, '$.payload')
       FROM event_chunks c, json_each(CAST(c.other_rows AS TEXT)) j
     );
   CREATE TRIGGER event_chunks_no_update BEFORE UPDATE ON event_chunks
     BEGIN SELECT RAISE(ABORT, 'district rows are append-only'); END;
   CREATE TRIGGER event_chunks_no_delete BEFORE DELETE ON event_chunks
     BEGIN SELECT RAISE(ABORT, 'district rows are append-only'); END;`,
  // 3: seals and slot results written more than a day after the day they are about (a station
  // back after downtime seals its last day and closes its interrupted slot on restart), indexed
  // by that day: a report of the day reads only the days around its range, and these may lie
  // weeks later. A copy of the row's text; the chunk keeps the row itself.
  `CREATE TABLE late_rows (
     station TEXT NOT NULL,
     seq INTEGER NOT NULL,
     ref_day TEXT NOT NULL,
     row BLOB NOT NULL,
     PRIMARY KEY (station, seq)
   ) WITHOUT ROWID;
   CREATE INDEX late_rows_days ON late_rows(station, ref_day);
   INSERT INTO late_rows (station, seq, ref_day, row)
     SELECT c.station, j.value ->> 'seq', j.value ->> '$.payload.date', CAST(j.value AS BLOB)
     FROM event_chunks c, json_each(CAST(c.report_rows AS TEXT)) j
     WHERE j.value ->> 'type' IN ('seal', 'slot.result') AND j.value ->> '$.payload.date' < date(c.first_day, '-1 day')
     UNION ALL
     SELECT c.station, j.value ->> 'seq', j.value ->> '$.payload.date', CAST(j.value AS BLOB)
     FROM event_chunks c, json_each(CAST(c.other_rows AS TEXT)) j
     WHERE c.split = 0 AND j.value ->> 'type' IN ('seal', 'slot.result') AND j.value ->> '$.payload.date' < date(c.first_day, '-1 day');
   CREATE TRIGGER late_rows_no_update BEFORE UPDATE ON late_rows
     BEGIN SELECT RAISE(ABORT, 'district rows are append-only'); END;
   CREATE TRIGGER late_rows_no_delete BEFORE DELETE ON late_rows
     BEGIN SELECT RAISE(ABORT, 'district rows are append-only'); END;`,
  // 4: fine clock readings (synchronised, off by under a second: an hourly check is most rows
  // of a busy day) are only counted by a report. The importer keeps them among a chunk's other
  // rows and their number in the day's counts (beside its events, which a report reads anyway,
  // rather than in event_chunks, where a column after the row texts costs a walk through them).
  // Days imported before count 0 and keep every reading among the rows a report reads.
  `ALTER TABLE station_days ADD COLUMN counted_clock INTEGER NOT NULL DEFAULT 0;`,
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

/**
 * Verified rows of one bundle, laid out for the store: for row i (seq firstSeq + i) its hash
 * (32 bytes at i * 32 of `hashes`), whether it is a seal, and its store text
 * `{"seq":…,"station":…,"atMs":…,"local":…,"type":…,"payload":…}` — bytes rowStart[i] to
 * rowEnd[i] of `reportItems` when a report reads the row (inReport[i]), else of `otherItems`.
 * Rows come in runs of one local date (runStarts: the row each starts at; runDays: its date);
 * each part holds each run's rows as one JSON array, bytes reportRuns[2r] to reportRuns[2r + 1].
 */
export interface RowChunks {
  count: number;
  firstSeq: number;
  firstPrevHash: string;
  hashes: Uint8Array;
  seals: Uint8Array;
  inReport: Uint8Array;
  /** Row i is a fine clock reading (kept among the others, counted in station_days.counted_clock). */
  clock: Uint8Array;
  rowStart: Uint32Array;
  rowEnd: Uint32Array;
  runStarts: number[];
  runDays: string[];
  /**
   * Rows written late about an earlier day (index, that day): a seal or a slot result more
   * than a day after its date — after downtime. A report of that day would not reach them
   * among the days around its range; the store indexes them by the day they are about.
   */
  late: Array<[number, string]>;
  reportItems: Uint8Array;
  reportRuns: Uint32Array;
  otherItems: Uint8Array;
  otherRuns: Uint32Array;
}

/** What the store holds of a station's chunk, for checking a bundle against it. */
export interface StoredChunk {
  firstSeq: number;
  lastSeq: number;
  firstPrevHash: string;
  /** 32 bytes per row, row firstSeq first. */
  hashes: Buffer;
}

export class DistrictStore {
  readonly path: string;
  private readonly db: DB;
  private readonly insertChunk: Database.Statement;
  private readonly bumpDay: Database.Statement;
  private readonly insertLate: Database.Statement;
  /** An import run in progress in rollback-journal mode (see begin()). */
  private bulk = false;
  /** The store file opened apart, to push pages written so far to disk during a bulk run (see startWriteBack()). */
  private writeBack: { fd: number; busy: boolean; closing: boolean } | null = null;

  constructor(path: string, opts: { create: boolean }) {
    this.path = resolve(path);
    if (!opts.create && !existsSync(this.path)) throw new LoaxaError('audit.store.missing', { file: this.path }, EXIT.INVALID);
    try {
      if (opts.create) makeFolders(dirname(this.path));
      this.db = new Database(this.path, { fileMustExist: !opts.create });
      this.db.pragma('busy_timeout = 10000');
    } catch (e) {
      throw storeOpenError(this.path, e);
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
    this.insertChunk = this.db.prepare(
      'INSERT INTO event_chunks (station, first_seq, last_seq, first_day, last_day, first_prev_hash, hashes, split, report_rows, other_rows) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)',
    );
    this.bumpDay = this.db.prepare(
      `INSERT INTO station_days (station, day, events, counted_clock) VALUES (?, ?, ?, ?)
       ON CONFLICT (station, day) DO UPDATE SET events = events + excluded.events, counted_clock = counted_clock + excluded.counted_clock`,
    );
    this.insertLate = this.db.prepare('INSERT INTO late_rows (station, seq, ref_day, row) VALUES (?, ?, ?, ?)');
  }

  private checkOwnFile(): number {
    let version: number;
    try {
      version = this.db.pragma('user_version', { simple: true }) as number;
      const tables = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
      // An existing database that is not ours (a station journal, another program's file) is refused, not migrated.
      if (version === 0 && tables.length > 0) throw new Error('foreign');
      if (version > 0 && !tables.some((t) => t.name === 'district_meta')) throw new Error('foreign');
    } catch (e) {
      this.db.close();
      throw storeOpenError(this.path, e);
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
    if (this.bulk) {
      try {
        this.writeBack = { fd: openSync(this.path, 'r'), busy: false, closing: false };
      } catch {
        this.writeBack = null; // only a head start: the commit syncs anyway
      }
    }
  }

  /**
   * Start writing the pages of the run that are already in the file to disk, in the background
   * (one fdatasync at a time, on libuv's thread pool), while bundles are still being verified.
   * The commit's own sync then has little left to flush: a dense district's 700 MiB made it
   * take ~0.4 s alone at the end, ~0.1 s so. Safe at any moment: in rollback-journal mode a
   * page reaches the file only once the journal holding its old content is synced.
   */
  startWriteBack(): void {
    const w = this.writeBack;
    if (!w || w.busy || w.closing) return;
    w.busy = true;
    fdatasync(w.fd, () => {
      w.busy = false;
      if (w.closing) closeSync(w.fd);
    });
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
    const w = this.writeBack;
    this.writeBack = null;
    if (w) {
      // A sync still running keeps its descriptor until it returns.
      w.closing = true;
      if (!w.busy) closeSync(w.fd);
    }
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

  /** The station's stored chunks holding any seq in [fromSeq, toSeq], by seq. */
  chunksBetween(station: string, fromSeq: number, toSeq: number): StoredChunk[] {
    return (this.db
      .prepare('SELECT first_seq, last_seq, first_prev_hash, hashes FROM event_chunks WHERE station = ? AND first_seq <= ? AND last_seq >= ? ORDER BY first_seq')
      .raw(true)
      .all(station, toSeq, fromSeq) as Array<[number, number, string, Buffer]>)
      .map(([firstSeq, lastSeq, firstPrevHash, hashes]) => ({ firstSeq, lastSeq, firstPrevHash, hashes }));
  }

  /**
   * Insert rows [from, to) of `rows` (checked by the caller, not in the store yet): one chunk
   * per run of one local date, and the day counts. Returns the rows inserted.
   */
  insertRowRange(station: string, rows: RowChunks, from: number, to: number): number {
    const perDay = new Map<string, { events: number; clock: number }>();
    const hashes = Buffer.from(rows.hashes.buffer, rows.hashes.byteOffset, rows.hashes.byteLength);
    // The run holding row `from`, then run by run.
    let run = 0;
    while (run + 1 < rows.runStarts.length && rows.runStarts[run + 1]! <= from) run++;
    for (let a = from; a < to; run++) {
      const runEnd = rows.runStarts[run + 1] ?? rows.count;
      const b = Math.min(to, runEnd);
      const day = rows.runDays[run]!;
      const prevHash = a === 0 ? rows.firstPrevHash : hashes.toString('hex', (a - 1) * 32, a * 32);
      // A whole day run is written as laid out; part of one (the store holds the rest) is cut from its rows.
      const whole = a === rows.runStarts[run] && b === runEnd;
      this.insertChunk.run(
        station, rows.firstSeq + a, rows.firstSeq + b - 1, day, day, prevHash, hashes.subarray(a * 32, b * 32),
        whole ? bytesOf(rows.reportItems, rows.reportRuns[2 * run]!, rows.reportRuns[2 * run + 1]!) : partArray(rows, rows.reportItems, 1, a, b),
        whole ? bytesOf(rows.otherItems, rows.otherRuns[2 * run]!, rows.otherRuns[2 * run + 1]!) : partArray(rows, rows.otherItems, 0, a, b),
      );
      let events = 0;
      let clock = 0;
      for (let i = a; i < b; i++) {
        if (!rows.seals[i]) events++;
        clock += rows.clock[i]!;
      }
      if (events) {
        const d = perDay.get(day);
        if (d) {
          d.events += events;
          d.clock += clock;
        } else perDay.set(day, { events, clock });
      }
      a = b;
    }
    for (const [day, d] of perDay) this.bumpDay.run(station, day, d.events, d.clock);
    for (const [i, refDay] of rows.late) {
      if (i < from || i >= to) continue;
      const items = rows.inReport[i] ? rows.reportItems : rows.otherItems;
      this.insertLate.run(station, rows.firstSeq + i, refDay, bytesOf(items, rows.rowStart[i]!, rows.rowEnd[i]!));
    }
    return to - from;
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
  /** Per day: its events, and of them the fine clock readings a report only counts (they are not among its report rows). */
  days(station: string): Array<{ day: string; events: number; countedClock: number }> {
    return this.db
      .prepare('SELECT day, events, counted_clock AS countedClock FROM station_days WHERE station = ? ORDER BY day')
      .all(station) as Array<{ day: string; events: number; countedClock: number }>;
  }

  /**
   * What a report reads of a station's rows whose local date is within [fromDay, toDay], by
   * seq (hashes were checked on import): the chunks of those days — a row's text is already a
   * ReportRow's JSON — each parsed only as it is reached, so a station-year's rows are never
   * all alive at once (a reader that keeps little spends far less on garbage collection). The
   * `correction` rows come first, on their own: a correction amends a row before it.
   */
  reportRowStream(station: string, fromDay: string, toDay: string, types?: readonly EventType[]): { corrections: ReportRow[]; chunks: () => Iterable<ReportRow[]> } {
    const wanted = types && types.length ? new Set<string>(types) : null;
    // The seqs the range's chunks span, found by day; then the chunks read in seq order along the
    // key. Read through the day index, they had to be sorted by seq with their texts: a temporary
    // b-tree holding a station-year's 10 MB (reading took 11–33 ms a station-year, 5–6 ms so).
    // The `+` keeps the day terms off the index, as filters.
    const [spanFrom, spanTo] = this.db
      .prepare('SELECT min(first_seq), max(first_seq) FROM event_chunks WHERE station = ? AND last_day >= ? AND first_day <= ?')
      .raw(true)
      .get(station, fromDay, toDay) as [number | null, number | null];
    // Chunks the importer split give only the rows a report reads; older ones give all theirs.
    const parts = spanFrom === null ? [] : (this.db
      .prepare(
        `SELECT first_day >= ? AND last_day <= ?, report_rows, CASE split WHEN 1 THEN NULL ELSE other_rows END, last_seq
         FROM event_chunks WHERE station = ? AND first_seq >= ? AND first_seq <= ? AND +last_day >= ? AND +first_day <= ? ORDER BY first_seq`,
      )
      .raw(true)
      .all(fromDay, toDay, station, spanFrom, spanTo, fromDay, toDay) as Chunk[]);
    const toLimit = toDay + '~';
    // Texts are read as bytes and decoded here: Buffer's UTF-8 decoder is faster than the
    // driver's for text that is mostly ASCII with some Vietnamese (measured ~20 %).
    const rowsOf = ([inside, reportText, otherText]: Chunk): ReportRow[] => {
      let rows = JSON.parse(reportText.toString('utf8')) as ReportRow[];
      if (otherText === null && inside) return wanted ? rows.filter((r) => wanted.has(r.type)) : rows;
      if (otherText !== null) rows = rows.concat(JSON.parse(otherText.toString('utf8')) as ReportRow[]).sort((x, y) => x.seq - y.seq);
      return rows.filter((r) => (!wanted || wanted.has(r.type)) && r.local >= fromDay && r.local < toLimit);
    };
    const corrections: ReportRow[] = [];
    if (!wanted || wanted.has('correction')) {
      // A correction may be written any time later (an officer amends last month's log today):
      // chunks after the range are searched too. Corrections are rare: only a chunk whose bytes
      // name the type is parsed for them.
      const later = this.db
        .prepare('SELECT 0, report_rows, CASE split WHEN 1 THEN NULL ELSE other_rows END, last_seq FROM event_chunks WHERE station = ? AND first_day > ? ORDER BY first_seq')
        .raw(true)
        .all(station, toDay) as Chunk[];
      for (const c of [...parts, ...later]) {
        if (c[1].indexOf(CORRECTION_TYPE) < 0 && (c[2] === null || c[2].indexOf(CORRECTION_TYPE) < 0)) continue;
        for (const r of allRowsOf(c)) if (r.type === 'correction') corrections.push(r);
      }
    }
    // Seals and slot results about the range's days written long after (see late_rows), by seq, after the rows above.
    const lastSeq = parts.length ? parts[parts.length - 1]![3] : -1;
    const late = (!wanted || wanted.has('seal') || wanted.has('slot.result')
      ? (this.db.prepare('SELECT row FROM late_rows WHERE station = ? AND ref_day >= ? AND ref_day <= ? AND seq > ? ORDER BY seq').pluck().all(station, fromDay, toDay, lastSeq) as Buffer[])
      : []
    )
      .map((b) => JSON.parse(b.toString('utf8')) as ReportRow)
      .filter((r) => !wanted || wanted.has(r.type));
    return {
      corrections,
      *chunks() {
        for (const p of parts) yield rowsOf(p);
        if (late.length) yield late;
      },
    };
  }

  count(station?: string): number {
    const r = (station
      ? this.db.prepare('SELECT coalesce(sum(last_seq - first_seq + 1), 0) AS n FROM event_chunks WHERE station = ?').get(station)
      : this.db.prepare('SELECT coalesce(sum(last_seq - first_seq + 1), 0) AS n FROM event_chunks').get()) as { n: number };
    return r.n;
  }

  close(): void {
    if (this.writeBack) this.endBulk();
    if (this.db.open) this.db.close();
  }
}

/** A stored chunk as a report reads it: whether it lies inside the range, its report rows, its other rows (unless split apart), its last seq. */
type Chunk = [number, Buffer, Buffer | null, number];

/** Every row of a chunk (its rows a report reads, and the others when they were not split apart). */
function allRowsOf([, reportText, otherText]: Chunk): ReportRow[] {
  const rows = JSON.parse(reportText.toString('utf8')) as ReportRow[];
  return otherText === null ? rows : rows.concat(JSON.parse(otherText.toString('utf8')) as ReportRow[]);
}

/** How a correction row's type reads in a row's JSON text (stored texts have no spaces: canonical, or written by SQLite's json functions). */
const CORRECTION_TYPE = Buffer.from('"correction"');

/** Bytes [from, to) of an array handed over from a worker (a plain Uint8Array there), as a Buffer SQLite binds as a BLOB. */
function bytesOf(a: Uint8Array, from: number, to: number): Buffer {
  return Buffer.from(a.buffer, a.byteOffset + from, to - from);
}

/** Rows [from, to) of one part (inReport[i] === which) as one JSON array. */
function partArray(rows: RowChunks, items: Uint8Array, which: number, from: number, to: number): Buffer {
  const texts: Uint8Array[] = [];
  for (let i = from; i < to; i++) if (rows.inReport[i] === which) texts.push(items.subarray(rows.rowStart[i]!, rows.rowEnd[i]!));
  const out = Buffer.allocUnsafe(texts.reduce((n, x) => n + x.length + 1, 0) + (texts.length ? 1 : 2));
  let o = 0;
  out[o++] = 0x5b; // [
  texts.forEach((x, k) => {
    if (k) out[o++] = 0x2c; // ,
    out.set(x, o);
    o += x.length;
  });
  out[o++] = 0x5d; // ]
  return out;
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
