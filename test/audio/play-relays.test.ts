/** `loaxa play` on the speakers: zones switched on a simulated Modbus board (socat pty), audio aired and journalled. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openJournal } from '../../src/journal/index.js';
import { ModbusBoardSimulator, PtyPair } from '../helpers/boards/index.js';
import { ROOT, runLoaxa, tempDir } from '../helpers/cli.js';
import { levelDb } from '../helpers/audio-analysis.js';

describe('loaxa play with zones on a relay board', () => {
  const station = tempDir('loaxa-audio-play-');
  let pair: PtyPair;
  let sim: ModbusBoardSimulator;
  let schedule: string;

  beforeAll(async () => {
    pair = new PtyPair('play');
    await pair.start();
    sim = await new ModbusBoardSimulator(pair.boardPath, 8).open();
    mkdirSync(join(station.dir, 'media'));
    copyFileSync(join(ROOT, 'fixtures/audio/bulletin-1320-loud.wav'), join(station.dir, 'media/bao-lu.wav'));
    schedule = join(station.dir, 'xa.yaml');
    writeFileSync(
      schedule,
      `station:
  id: an-thanh-ba
  name: Đài truyền thanh xã An Thạnh Ba
relays:
  tu-loa: { driver: modbus-rtu, port: ${pair.path}, baud: 9600, address: 1 }
amplifier: { relay: tu-loa, channel: 8, warmup: 0s, cooldown: 0s }
zones:
  ap-1: { relay: tu-loa, channel: 1, name: Ấp An Thường }
  cho:  { relay: tu-loa, channel: 3, name: Chợ xã }
output:
  record: recordings/
bulletins:
  bao-lu: { file: media/bao-lu.wav, language: vi, approved_by: Chủ tịch UBND xã }
programs: []
`,
    );
  });
  afterAll(async () => {
    await sim.close();
    await pair.dispose();
    station.cleanup();
  });

  it('closes the zone and the amplifier while the bulletin airs, opens them after, and journals it all', async () => {
    const seen = new Set<string>();
    const watcher = setInterval(() => seen.add(sim.onChannels().join(',')), 20);
    const r = await runLoaxa(['play', schedule, 'bao-lu', '--zones', 'cho', '--user', 'van-hoa-xa']);
    clearInterval(watcher);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Playing bao-lu (2 s) on cho');
    expect(seen.has('3,8')).toBe(true); // zone and amplifier on together while airing
    expect(sim.onChannels()).toEqual([]);
    const rec = /Off-air recording: (.*)/.exec(r.stdout)![1]!;
    expect(await levelDb(rec, 0.3, 1.2, 1320)).toBeGreaterThan(-30);

    const journal = openJournal(join(station.dir, 'journal.db'), { station: 'an-thanh-ba', timezone: 'Asia/Ho_Chi_Minh', readonly: true });
    try {
      const rows = journal.events();
      expect(rows[0]!.type).toBe('operator.action');
      expect(rows[0]!.payload).toMatchObject({ user: 'van-hoa-xa', command: 'play', args: ['bao-lu', '--zones', 'cho'] });
      const relay = rows.filter((e) => e.type === 'relay.action').map((e) => {
        const p = e.payload as { wanted: string; channels: number[] };
        return `${p.wanted}:${p.channels.join(',')}`;
      });
      // Safe state on open and on close are the relay concern's; ours is zone, amplifier, amplifier, zone.
      const on = relay.indexOf('on:3');
      expect(on).toBeGreaterThanOrEqual(0);
      expect(relay.slice(on, on + 4)).toEqual(['on:3', 'on:8', 'off:8', 'off:3']);
      const order = rows.map((e) => e.type);
      // Relays on before the bulletin is played; off after.
      expect(order.indexOf('insert.played')).toBeGreaterThan(order.indexOf('relay.action'));
      expect(order.lastIndexOf('relay.action')).toBeGreaterThan(order.indexOf('insert.played'));
    } finally {
      journal.close();
    }
  });

  it('refuses an unknown zone before touching any relay', async () => {
    const before = sim.frames.length;
    const r = await runLoaxa(['play', schedule, 'bao-lu', '--zones', 'ap-9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('zone "ap-9" is not in the schedule (known: ap-1, cho)');
    expect(sim.frames.length).toBe(before);
  });
});
