import * as jm from '../../src/journal/index.js';

export const STATION = 'an-thanh-ba';
export const TZ = 'Asia/Ho_Chi_Minh';

/** 2026-11-20 00:00 in Asia/Ho_Chi_Minh (UTC+7), as UTC ms. */
export const DAY0 = Date.UTC(2026, 10, 19, 17, 0, 0);
export const HOUR = 3_600_000;

/**
 * A station journal over `days` local days: each day a plan, a slot, a relay action, an operator
 * action, then a seal at the next local midnight. Returns the events written.
 */
export function fillDays(
  journal: jm.Journal,
  keys: jm.StationKeys | null,
  days: number,
  opts: { sealLastDay?: boolean } = {},
): void {
  for (let d = 0; d < days; d++) {
    const base = DAY0 + d * 24 * HOUR;
    const date = jm.localDate(base, TZ);
    const slot = `thoi-su@${date}T05:30:00`;
    journal.append(
      'day.planned',
      {
        date,
        slots: [
          { slot, program: 'thoi-su', title: 'Tiếp sóng thời sự Đài tỉnh', start: `${date}T05:30:00+07:00`, end: `${date}T06:00:00+07:00`, required: true, priority: 'normal', zones: ['ap-1', 'cho'] },
        ],
      },
      base + 60_000,
    );
    journal.append('relay.action', { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [1, 3], zones: ['ap-1', 'cho'], wanted: 'on', confirmed: 'on', elapsedMs: 12, slot }, base + 5.5 * HOUR - 10_000);
    journal.append(
      'slot.result',
      { slot, program: 'thoi-su', title: 'Tiếp sóng thời sự Đài tỉnh', date, start: `${date}T05:30:00+07:00`, end: `${date}T06:00:00+07:00`, status: 'aired', required: true, priority: 'normal', zones: ['ap-1', 'cho'], secondsRequired: 1800, secondsAired: 1800, secondsFallback: 0, secondsDeadAir: 0, lateMs: 40, reasons: [] },
      base + 6 * HOUR,
    );
    journal.append('operator.action', { user: 'canbo', command: 'play', args: ['5k-vi'], reason: 'nhắc lại' }, base + 9 * HOUR);
    if (keys && (d < days - 1 || opts.sealLastDay)) {
      // the daemon seals at local midnight
      const at = base + 24 * HOUR;
      const head = journal.head()!;
      journal.append('seal', jm.makeSealPayload(keys, { station: journal.station, date, lastSeq: head.seq, headHash: head.hash }), at);
    }
  }
}
