/** Schedules built directly, for tests that need boards and zones but no YAML. */
import type { Amplifier, RelayBoard, Schedule, Zone } from '../../src/schedule/types.js';

export function board(id: string, driver: RelayBoard['driver'], port: string, extra: Partial<RelayBoard> = {}): RelayBoard {
  return { id, driver, port, baud: 9600, address: 1, ...extra };
}

/** Zones `z1…zN` on channels 1…N of one board, unless given. */
export function zonesOn(boardId: string, channels: number[], prefix = 'z'): Record<string, Zone> {
  return Object.fromEntries(channels.map((ch) => [`${prefix}${ch}`, { id: `${prefix}${ch}`, relay: boardId, channel: ch, name: `Ấp ${ch}` }]));
}

export function schedule(parts: { relays: RelayBoard[]; zones: Record<string, Zone>; amplifier?: Amplifier }): Schedule {
  return {
    file: '/tmp/station/schedule.yaml',
    dir: '/tmp/station',
    sha256: '0'.repeat(64),
    station: { id: 'test-xa', name: 'Đài truyền thanh xã Thử', timezone: 'Asia/Ho_Chi_Minh' },
    sources: {},
    relays: Object.fromEntries(parts.relays.map((r) => [r.id, r])),
    amplifier: parts.amplifier,
    zones: parts.zones,
    output: {},
    bulletins: {},
    programs: [],
    exceptions: [],
    policies: [],
    journalPath: '/tmp/station/journal.db',
    keysDir: '/tmp/station/keys',
  };
}

/** Short timeouts so fault tests end quickly; generous enough for a loaded 2-core machine. */
export const FAST = { requestTimeoutMs: 400, retries: 1, reconnect: { initialMs: 100, maxMs: 400 }, exitHandlers: false } as const;
