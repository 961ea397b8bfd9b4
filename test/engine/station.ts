/**
 * Test stations for the engine: a real schedule file in a temp folder, real journal, and
 * in-memory relay/audio ports that keep a time-stamped log of what they were asked to do
 * (by the fake clock), so the state machine can be checked step by step.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeClock } from '../../src/engine/index.js';
import type { AudioPort, BroadcastHandle, BroadcastRequest, RelayPort } from '../../src/engine/index.js';
import type { Schedule } from '../../src/schedule/types.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ProgramSpec {
  id: string;
  at: string;
  duration: string;
  zones?: string[] | 'all';
  source?: string;
  bulletins?: string[];
  required?: boolean;
  priority?: 'normal' | 'priority' | 'emergency';
  onConflict?: 'queue' | 'overwrite';
  inserts?: Array<{ bulletin: string; at: string; mode: 'duck' | 'insert' }>;
}

/** Write a station folder with a schedule (Modbus board on a path, amplifier with warm-up/cool-down). */
export function writeStation(dir: string, programs: ProgramSpec[], opts: { port?: string; warmup?: string; cooldown?: string; feedUrl?: string; record?: boolean; device?: boolean } = {}): string {
  mkdirSync(join(dir, 'media'), { recursive: true });
  copyFileSync(join(ROOT, 'fixtures/audio/fallback-880.mp3'), join(dir, 'media/fallback.mp3'));
  copyFileSync(join(ROOT, 'fixtures/audio/bulletin-1320-quiet.mp3'), join(dir, 'media/bulletin.mp3'));
  const yamlPrograms = programs
    .map((p) => {
      const lines = [`  - id: ${p.id}`, `    title: Chương trình ${p.id}`, `    at: "${p.at}"`, `    duration: ${p.duration}`, `    days: daily`];
      lines.push(`    zones: ${p.zones === undefined || p.zones === 'all' ? 'all' : `[${p.zones.join(', ')}]`}`);
      if (p.source) lines.push(`    source: ${p.source}`);
      if (p.bulletins) lines.push(`    bulletins: [${p.bulletins.join(', ')}]`);
      if (p.required !== undefined) lines.push(`    required: ${p.required}`);
      if (p.priority) lines.push(`    priority: ${p.priority}`);
      if (p.onConflict) lines.push(`    on_conflict: ${p.onConflict}`);
      if (p.inserts?.length) {
        lines.push('    inserts:');
        for (const i of p.inserts) lines.push(`      - { bulletin: ${i.bulletin}, at: ${i.at}, mode: ${i.mode} }`);
      }
      return lines.join('\n');
    })
    .join('\n');
  const yaml = `station:
  id: xa-thu
  name: Đài truyền thanh xã Thử
  timezone: Asia/Ho_Chi_Minh
sources:
  tinh:
    url: ${opts.feedUrl ?? 'http://127.0.0.1:9/feed.mp3'}
    fallback: media/fallback.mp3
relays:
  tu-loa:
    driver: modbus-rtu
    port: ${opts.port ?? join(dir, 'ttyLOAXA')}
    baud: 9600
    address: 1
amplifier: { relay: tu-loa, channel: 8, warmup: ${opts.warmup ?? '2s'}, cooldown: ${opts.cooldown ?? '1s'} }
zones:
  ap-1: { relay: tu-loa, channel: 1, name: Ấp Một }
  ap-2: { relay: tu-loa, channel: 2, name: Ấp Hai }
output:
${opts.device ? '  device: alsa:default\n' : ''}${opts.record === false ? '' : '  record: recordings/\n'}bulletins:
  tin-vi: { file: media/bulletin.mp3, language: vi, approved_by: Phó Chủ tịch UBND xã, duration: 5s }
  tin-km: { file: media/bulletin.mp3, language: km, approved_by: Phó Chủ tịch UBND xã, duration: 5s }
programs:
${yamlPrograms}
`;
  const file = join(dir, 'lich.yaml');
  writeFileSync(file, yaml);
  return file;
}

export interface RelayCall {
  at: number;
  op: 'zones-on' | 'amp-on' | 'amp-off' | 'zones-off' | 'all-off';
  zones: string[];
  slot?: string;
}

/** Relay port with the relay module's semantics: amplifier on last and off first, kept on while any zone is on. */
export class LoggingRelays implements RelayPort {
  calls: RelayCall[] = [];
  on = new Set<string>();
  amp = false;
  constructor(
    private clock: FakeClock,
    private schedule: () => Schedule,
  ) {}
  /** Timed switches still waiting for their time, by ticket (the relay module's `cancel`). */
  private waiting = new Map<string, () => void>();
  /** Wait for a timed switch's time; false when it was called off meanwhile. */
  private until(atMs: number | undefined, ticket: string | undefined): Promise<boolean> {
    if (atMs === undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      if (ticket) this.waiting.set(ticket, () => resolve(false));
      void this.clock.sleepUntil(atMs).then(() => {
        if (ticket && !this.waiting.delete(ticket)) return;
        resolve(true);
      });
    });
  }
  async cancel(ticket: string) {
    const call = this.waiting.get(ticket);
    this.waiting.delete(ticket);
    call?.();
    return call !== undefined;
  }
  async switchOn(zones: string[], o: { slot?: string; atMs?: number; amplifierAtMs?: number; ticket?: string }) {
    if (!(await this.until(o.atMs, o.ticket))) return [];
    this.calls.push({ at: this.clock.now(), op: 'zones-on', zones: [...zones], slot: o.slot });
    for (const z of zones) this.on.add(z);
    if (!this.amp) {
      if (o.amplifierAtMs !== undefined) await this.clock.sleepUntil(o.amplifierAtMs);
      this.amp = true;
      this.calls.push({ at: this.clock.now(), op: 'amp-on', zones: [], slot: o.slot });
      await this.clock.sleep(this.schedule().amplifier!.warmupMs);
    }
    return [];
  }
  async switchOff(zones: string[], o: { slot?: string; atMs?: number; ticket?: string }) {
    if (!(await this.until(o.atMs, o.ticket))) return [];
    const remaining = [...this.on].filter((z) => !zones.includes(z));
    if (remaining.length === 0 && this.amp) {
      this.amp = false;
      this.calls.push({ at: this.clock.now(), op: 'amp-off', zones: [], slot: o.slot });
      await this.clock.sleep(this.schedule().amplifier!.cooldownMs);
    }
    for (const z of zones) this.on.delete(z);
    this.calls.push({ at: this.clock.now(), op: 'zones-off', zones: [...zones], slot: o.slot });
    return [];
  }
  async allOff() {
    this.amp = false;
    this.on.clear();
    this.calls.push({ at: this.clock.now(), op: 'all-off', zones: [] });
    return [];
  }
  async status() {
    return { on: [...this.on], amp: this.amp };
  }
  async close() {}
}

export interface AudioRecord {
  req: BroadcastRequest;
  prerolledAt?: number;
  startedAt?: number;
  stoppedAt?: number;
  fadeMs?: number;
}

/**
 * Audio port that airs nothing but accounts for time exactly like a broadcast would:
 * seconds aired = from start() to stop() or to the end of its duration.
 * `faults` lets a test make a slot lose its feed for a while (fallback seconds).
 */
export class LoggingAudio implements AudioPort {
  airings: AudioRecord[] = [];
  fallbackSeconds = new Map<string, number>();
  constructor(private clock: FakeClock) {}
  startBroadcast(req: BroadcastRequest, onEvent: (type: never, payload: Record<string, unknown>) => void): BroadcastHandle {
    const rec: AudioRecord = { req };
    this.airings.push(rec);
    const clock = this.clock;
    let resolveDone!: (o: { secondsAired: number; secondsFallback: number; secondsDeadAir: number }) => void;
    const done = new Promise<{ secondsAired: number; secondsFallback: number; secondsDeadAir: number }>((r) => (resolveDone = r));
    let endTimer: { cancel(): void } | null = null;
    const finish = () => {
      if (rec.stoppedAt !== undefined) return;
      rec.stoppedAt = clock.now();
      const aired = rec.startedAt === undefined ? 0 : (rec.stoppedAt - rec.startedAt) / 1000;
      const fb = Math.min(aired, this.fallbackSeconds.get(req.slotId) ?? 0);
      resolveDone({ secondsAired: aired, secondsFallback: fb, secondsDeadAir: 0 });
    };
    return {
      preroll: async () => {
        rec.prerolledAt = clock.now();
        if (req.source) onEvent('feed.connected' as never, { source: req.source, url: 'http://test' });
      },
      start: async () => {
        rec.startedAt = clock.now();
        endTimer = clock.setTimer(req.startAtMs + req.durationMs, finish);
        const fb = this.fallbackSeconds.get(req.slotId);
        if (fb) {
          onEvent('feed.lost' as never, { source: req.source, reason: 'test feed killed' });
          onEvent('fallback.started' as never, { source: req.source, file: 'fallback.mp3', reason: 'feed-lost' });
        }
      },
      stop: async (o) => {
        rec.fadeMs = o?.fadeMs;
        endTimer?.cancel();
        finish();
      },
      done,
    };
  }
  /** Length reported for any bulletin file. */
  mediaMs = 5000;
  async mediaDurationMs() {
    return this.mediaMs;
  }
}
