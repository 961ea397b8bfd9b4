/**
 * The journal store: one SQLite file per station, append-only, hash-chained.
 * WAL with synchronous=FULL, so an append is on disk when append() returns.
 */
import Database from 'better-sqlite3';
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { EXIT, LoaxaError, t, makeFolders } from '../i18n/index.js';
import { GENESIS_HASH, canonicalJson, rowHash } from './canonical.js';
import type { EventPayloads, EventType, JournalEvent } from './events.js';
import { checkTimeZone, localIso, nextDate } from './time.js';
import type { ReportRow } from './district.js';

type DB = Database.Database;

/**
 * Versioned migrations: entry i brings a file from user_version i to i+1.
 * Never edit a released entry; append a new one.
 */
export const MIGRATIONS: ReadonlyArray<string> = [
  // 1: the events table; triggers make rows append-only (an attacker can drop them — the chain still tells).
  `CREATE TABLE events (
     seq       INTEGER PRIMARY KEY,
     station   TEXT    NOT NULL,
     at_ms     INTEGER NOT NULL,
     local     TEXT    NOT NULL,
     type      TEXT    NOT NULL,
     payload   TEXT    NOT NULL,
     prev_hash TEXT    NOT NULL,
     hash      TEXT    NOT NULL
   );
   CREATE TRIGGER events_no_update BEFORE UPDATE ON events
     BEGIN SELECT RAISE(ABORT, 'journal rows are append-only: write a correction event'); END;
   CREATE TRIGGER events_no_delete BEFORE DELETE ON events
     BEGIN SELECT RAISE(ABORT, 'journal rows are append-only: write a correction event'); END;`,
  // 2: station metadata, and indexes for the officer's day view and type queries.
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE INDEX events_local ON events(local);
   CREATE INDEX events_type_at ON events(type, at_ms);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export interface OpenJournalOptions {
  station: string;
  timezone: string;
  /** Clock for `atMs` when append() is not given one (tests fake it). */
  now?: () => number;
  readonly?: boolean;
}

export interface EventQuery {
  /** Inclusive UTC ms. */
  fromMs?: number;
  /** Exclusive UTC ms. */
  toMs?: number;
  /** Station-local date YYYY-MM-DD (from the row's local time). */
  date?: string;
  types?: EventType[];
  /** Only rows with seq > afterSeq. */
  afterSeq?: number;
  /** Only rows with seq <= uptoSeq. */
  uptoSeq?: number;
  limit?: number;
}

export interface JournalHead {
  seq: number;
  hash: string;
}

interface Row {
  seq: number;
  station: string;
  at_ms: number;
  local: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

export function rowToEvent(r: Row): JournalEvent {
  return {
    seq: r.seq,
    station: r.station,
    atMs: r.at_ms,
    local: r.local,
    type: r.type as EventType,
    payload: JSON.parse(r.payload) as JournalEvent['payload'],
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** A row as a report reads it, its payload parsed. */
function reportRow(seq: number, atMs: number, local: string, type: string, payloadJson: string): ReportRow {
  return { seq, atMs, local, type: type as EventType, payload: JSON.parse(payloadJson) as JournalEvent['payload'] };
}

/** Open the raw database file (read-only when asked), mapping failures to a readable error. */
export function openDatabase(path: string, readonly: boolean): DB {
  const file = resolve(path);
  if (readonly && !existsSync(file)) throw new LoaxaError('journal.db.missing', { file }, EXIT.INVALID);
  try {
    if (!readonly) makeFolders(dirname(file));
    const db = new Database(file, { readonly, fileMustExist: readonly });
    db.pragma('busy_timeout = 10000');
    // Probe: a file that is not SQLite fails here, not deep inside a query.
    db.pragma('user_version');
    return db;
  } catch (e) {
    if (e instanceof LoaxaError) throw e;
    // A file handed in to be read (an inspector's --db) that is no SQLite at all is bad input; the station's own journal failing to open is a fault.
    const code = (e as { code?: string }).code ?? '';
    const notSqlite = readonly && code === 'SQLITE_NOTADB';
    // A journal copied into a read-only folder (a CD, a share): SQLite must write beside a WAL file even to read it.
    if (readonly && code.startsWith('SQLITE_READONLY')) throw new LoaxaError('journal.db.unreadable', { file, reason: t('journal.db.readonlyFolder') }, EXIT.INVALID);
    throw new LoaxaError('journal.db.unreadable', { file, reason: (e as Error).message }, notSqlite ? EXIT.INVALID : EXIT.FAULT);
  }
}

/** Bring the file to SCHEMA_VERSION; each step in its own transaction. */
export function migrate(db: DB): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) {
    throw new LoaxaError('journal.db.tooNew', { version: from, supported: SCHEMA_VERSION }, EXIT.INVALID);
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      // Another process (daemon and CLI starting together) may have migrated meanwhile: re-read under the lock.
      if ((db.pragma('user_version', { simple: true }) as number) !== v) return;
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return from;
}

export function schemaVersion(db: DB): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export class Journal {
  readonly path: string;
  readonly station: string;
  readonly timezone: string;
  readonly readonly: boolean;
  /** user_version the file had when opened (before migrations). */
  readonly openedAtVersion: number;
  private readonly db: DB;
  private readonly now: () => number;
  private readonly headStmt: Database.Statement<[], { seq: number; hash: string }>;
  private readonly insertStmt: Database.Statement<Row>;
  private closed = false;

  constructor(path: string, opts: OpenJournalOptions) {
    checkTimeZoneOrThrow(opts.timezone);
    this.path = resolve(path);
    this.station = opts.station;
    this.timezone = opts.timezone;
    this.readonly = opts.readonly ?? false;
    this.now = opts.now ?? Date.now;
    this.db = openDatabase(this.path, this.readonly);
    try {
      if (this.readonly) {
        this.openedAtVersion = schemaVersion(this.db);
        if (this.openedAtVersion < 1) throw new LoaxaError('journal.db.notJournal', { file: this.path }, EXIT.INVALID);
        if (this.openedAtVersion > SCHEMA_VERSION) {
          throw new LoaxaError('journal.db.tooNew', { version: this.openedAtVersion, supported: SCHEMA_VERSION }, EXIT.INVALID);
        }
      } else {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = FULL');
        this.openedAtVersion = migrate(this.db);
        this.claimStation();
      }
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.headStmt = this.db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
    this.insertStmt = this.readonly
      ? (undefined as never)
      : this.db.prepare(
          'INSERT INTO events (seq, station, at_ms, local, type, payload, prev_hash, hash) VALUES (@seq, @station, @at_ms, @local, @type, @payload, @prev_hash, @hash)',
        );
  }

  /** A journal file belongs to one station; refuse to mix another station's rows into it. */
  private claimStation(): void {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'station'").get() as { value: string } | undefined;
    if (!row) {
      const first = this.db.prepare('SELECT station FROM events ORDER BY seq LIMIT 1').get() as { station: string } | undefined;
      const owner = first?.station ?? this.station;
      this.db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('station', ?)").run(owner);
      if (owner !== this.station) throw new LoaxaError('journal.db.otherStation', { file: this.path, owner, station: this.station }, EXIT.INVALID);
      return;
    }
    if (row.value !== this.station) {
      throw new LoaxaError('journal.db.otherStation', { file: this.path, owner: row.value, station: this.station }, EXIT.INVALID);
    }
  }

  private writable(): void {
    if (this.closed) throw new Error('journal is closed');
    if (this.readonly) throw new Error('journal opened read-only');
  }

  private insert<T extends EventType>(type: T, payload: EventPayloads[T], atMs: number): JournalEvent<T> {
    const head = this.headStmt.get();
    const seq = (head?.seq ?? 0) + 1;
    const prevHash = head?.hash ?? GENESIS_HASH;
    const local = localIso(atMs, this.timezone);
    // Store exactly what is hashed: the payload as canonical JSON, read back as plain data.
    const payloadText = canonicalJson(payload);
    const stored = JSON.parse(payloadText) as EventPayloads[T];
    const row = { seq, station: this.station, atMs, local, type, payload: stored };
    const hash = rowHash(prevHash, row, payloadText);
    this.insertStmt.run({ seq, station: this.station, at_ms: atMs, local, type, payload: payloadText, prev_hash: prevHash, hash });
    return { ...row, prevHash, hash };
  }

  /** Append one event in its own transaction; durable (fsynced) when it returns. */
  append<T extends EventType>(type: T, payload: EventPayloads[T], atMs?: number): JournalEvent<T> {
    this.writable();
    const at = atMs ?? this.now();
    // IMMEDIATE: take the write lock before reading the head, so two processes never fork the chain.
    return this.db.transaction(() => this.insert(type, payload, at)).immediate();
  }

  /** Append several events in one transaction (one fsync): for imports and bulk writers. */
  appendMany(entries: ReadonlyArray<{ type: EventType; payload: EventPayloads[EventType]; atMs?: number }>): JournalEvent[] {
    this.writable();
    return this.db
      .transaction(() => entries.map((e) => this.insert(e.type, e.payload, e.atMs ?? this.now())))
      .immediate();
  }

  private query(q: EventQuery): { sql: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.fromMs !== undefined) (where.push('at_ms >= ?'), params.push(q.fromMs));
    if (q.toMs !== undefined) (where.push('at_ms < ?'), params.push(q.toMs));
    if (q.date !== undefined) {
      // local text starts with the local date, so a range on it selects the day through the index.
      where.push('local >= ? AND local < ?');
      params.push(q.date, nextDate(q.date));
    }
    if (q.afterSeq !== undefined) (where.push('seq > ?'), params.push(q.afterSeq));
    if (q.uptoSeq !== undefined) (where.push('seq <= ?'), params.push(q.uptoSeq));
    if (q.types && q.types.length > 0) {
      where.push(`type IN (${q.types.map(() => '?').join(',')})`);
      params.push(...q.types);
    }
    let sql = 'SELECT seq, station, at_ms, local, type, payload, prev_hash, hash FROM events';
    if (where.length) sql += ' WHERE ' + where.join(' AND ');
    sql += ' ORDER BY seq';
    if (q.limit !== undefined) (sql += ' LIMIT ?', params.push(q.limit));
    return { sql, params };
  }

  /** Events matching the query, ordered by seq. */
  events(q: EventQuery = {}): JournalEvent[] {
    const { sql, params } = this.query(q);
    return (this.db.prepare(sql).all(...params) as Row[]).map(rowToEvent);
  }

  /**
   * What a report reads of the rows in [fromMs, toMs) of the given types, by seq, a page at a
   * time: no hashes (the caller verifies the chain), no station. The table is walked in seq
   * order — cheaper than an index when the range is most of the journal. `keep`, given a row's
   * type, payload text and local time, may pass over a row before its payload is parsed. A
   * reader that takes the pages as they come never holds a year's rows (and their texts) all at
   * once — for a dense station-year, most of the time spent collecting garbage.
   */
  *reportRowPages(fromMs: number, toMs: number, types: readonly EventType[], keep?: (type: string, payloadJson: string, local: string) => boolean): Generator<ReportRow[]> {
    const page = this.db
      .prepare(
        `SELECT seq, at_ms, local, type, payload FROM events NOT INDEXED
         WHERE seq > ? AND at_ms >= ? AND at_ms < ? AND type IN (${types.map(() => '?').join(',')}) ORDER BY seq LIMIT 4096`,
      )
      .raw(true);
    for (let after = -Infinity; ; ) {
      const rows = page.all(after, fromMs, toMs, ...types) as Array<[number, number, string, string, string]>;
      if (rows.length === 0) return;
      const out: ReportRow[] = [];
      for (const [seq, atMs, local, type, payload] of rows) {
        if (!keep || keep(type, payload, local)) out.push(reportRow(seq, atMs, local, type, payload));
      }
      after = rows[rows.length - 1]![0];
      yield out;
    }
  }

  /**
   * Rows written at or after `fromMs` that a report of [fromDate, toDate] still reads, by seq:
   * every correction (it may amend any earlier row), and the seals and slot results about a
   * day of the range (a station back after downtime seals its last day and closes its
   * interrupted slot on restart, perhaps weeks later).
   */
  lateReportRows(fromMs: number, fromDate: string, toDate: string): ReportRow[] {
    const rows = this.db
      .prepare(
        `SELECT seq, at_ms, local, type, payload FROM events
         WHERE at_ms >= ? AND (type = 'correction' OR (type IN ('seal', 'slot.result') AND payload ->> '$.date' BETWEEN ? AND ?)) ORDER BY seq`,
      )
      .raw(true)
      .all(fromMs, fromDate, toDate) as Array<[number, number, string, string, string]>;
    return rows.map(([seq, atMs, local, type, payload]) => reportRow(seq, atMs, local, type, payload));
  }

  /** Same as events(), streamed row by row for large reads. */
  *iterate(q: EventQuery = {}): IterableIterator<JournalEvent> {
    const { sql, params } = this.query(q);
    for (const r of this.db.prepare(sql).iterate(...params) as IterableIterator<Row>) yield rowToEvent(r);
  }

  /** The event with that seq, or null. */
  get(seq: number): JournalEvent | null {
    const r = this.db.prepare('SELECT seq, station, at_ms, local, type, payload, prev_hash, hash FROM events WHERE seq = ?').get(seq) as Row | undefined;
    return r ? rowToEvent(r) : null;
  }

  /** The last row of the chain, or null for an empty journal. */
  head(): JournalHead | null {
    return this.headStmt.get() ?? null;
  }

  /** Last event (highest seq) whose local date is `date`, or null. */
  lastOfDay(date: string): JournalHead | null {
    const r = this.db
      .prepare('SELECT seq, hash FROM events WHERE local >= ? AND local < ? ORDER BY seq DESC LIMIT 1')
      .get(date, nextDate(date)) as JournalHead | undefined;
    return r ?? null;
  }

  /** The latest seal of a local date, or null. */
  sealOf(date: string): JournalEvent<'seal'> | null {
    let found: JournalEvent<'seal'> | null = null;
    for (const ev of this.iterate({ types: ['seal'] })) {
      if ((ev.payload as EventPayloads['seal']).date === date) found = ev as JournalEvent<'seal'>;
    }
    return found;
  }

  /** Events per local date in [fromDate, toDate], seals left out (a report reading only some types still counts every event). */
  dayCounts(fromDate: string, toDate: string): Map<string, number> {
    const rows = this.db
      .prepare("SELECT substr(local, 1, 10) AS day, count(*) AS n FROM events WHERE local >= ? AND local < ? AND type <> 'seal' GROUP BY day")
      .raw(true)
      .all(fromDate, nextDate(toDate)) as Array<[string, number]>;
    return new Map(rows);
  }

  /** Distinct local dates that have at least one non-seal event, ascending. */
  days(): string[] {
    const rows = this.db
      .prepare("SELECT DISTINCT substr(local, 1, 10) AS day FROM events WHERE type <> 'seal' ORDER BY day")
      .all() as Array<{ day: string }>;
    return rows.map((r) => r.day);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }

  schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** Runs SQLite's own structural check; 'ok' when the file is sound. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('\n');
  }

  nowMs(): number {
    return this.now();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

function checkTimeZoneOrThrow(timezone: string): void {
  try {
    checkTimeZone(timezone);
  } catch {
    throw new LoaxaError('journal.timezone.invalid', { timezone }, EXIT.INVALID);
  }
}

/** Open (creating folders, file, schema) the station's journal. */
export function openJournal(path: string, opts: OpenJournalOptions): Journal {
  return new Journal(path, opts);
}
