/**
 * `loaxa demo`: a self-contained live station in a temporary folder — a generated
 * provincial feed on 127.0.0.1, a simulated Modbus relay board on a socat pty, a schedule
 * whose slots start in the next seconds, recordings to files — then the day's report.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, LoaxaError, t, makeFolders } from '../i18n/index.js';
import type { EventPayloads } from '../journal/events.js';

const TZ = 'Asia/Ho_Chi_Minh';

function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function hms(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

export async function runDemo(o: { seconds: number; print: (line: string) => void }): Promise<number> {
  for (const [tool, pkg] of [
    ['ffmpeg', 'ffmpeg'],
    ['ffprobe', 'ffmpeg'],
    ['socat', 'socat'],
  ] as const) {
    if (!onPath(tool)) throw new LoaxaError('engine.demo.missingTool', { tool, package: pkg }, EXIT.FAULT);
  }
  const { print } = o;
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-demo-'));
  const media = join(dir, 'media');
  makeFolders(media);
  print(t('engine.demo.folder', { dir }));

  const audio = await import('../audio/index.js');
  const relay = await import('../relay/index.js');
  const journalMod = await import('../journal/index.js');
  const { localIso, localDate } = await import('../schedule/index.js');

  const feed = await audio.startDemoFeed({ frequency: 440 });
  let board: Awaited<ReturnType<typeof relay.startSimulatedBoard>> | null = null;
  try {
    board = await relay.startSimulatedBoard({ dir });
    print(t('engine.demo.feed', { url: feed.url }));
    print(t('engine.demo.board', { port: board.path }));

    // Media: a waiting-music fallback, a Vietnamese notice (espeak-ng when it has a voice), a Khmer one (a tone: espeak-ng has no Khmer voice).
    await audio.makeToneFile(join(media, 'nhac-cho.wav'), { frequency: 660, seconds: 30, pulse: true });
    const viText = 'Ủy ban nhân dân xã thông báo: tiêm chủng mở rộng cho trẻ em vào sáng ngày hai mươi lăm. Đề nghị phụ huynh đưa trẻ đến đúng giờ.';
    let viSeconds = 6;
    let viKind = 'tone';
    try {
      const r = await audio.synthesiseBulletin(viText, 'vi', join(media, 'thong-bao-vi.wav'));
      viSeconds = Math.ceil(r.durationMs / 1000);
      viKind = 'espeak-ng';
    } catch {
      await audio.makeToneFile(join(media, 'thong-bao-vi.wav'), { frequency: 1000, seconds: viSeconds, pulse: true });
    }
    const kmSeconds = 4;
    await audio.makeToneFile(join(media, 'thong-bao-km.wav'), { frequency: 1320, seconds: kmSeconds, pulse: true });
    print(t('engine.demo.bulletins', { list: `thong-bao-vi (vi, ${viSeconds} s, ${viKind}), thong-bao-km (km, ${kmSeconds} s, tone)` }));

    // Slots: a relay of the feed with the Vietnamese notice ducked in and the Khmer one inserted, then a commune bulletin.
    const first = Math.ceil((Date.now() + 12_000) / 1000) * 1000;
    const relaySeconds = Math.max(20, Math.min(40, o.seconds - 30));
    const second = first + (relaySeconds + 4) * 1000;
    const secondSeconds = viSeconds + 2;
    const endMs = second + secondSeconds * 1000;
    const yaml = `# loaxa demo station — generated ${new Date().toISOString()}
station:
  id: xa-demo
  name: Đài truyền thanh xã Demo
  district: Cù Lao Dung
  province: Sóc Trăng
  timezone: ${TZ}
sources:
  tinh:
    title: Đài tỉnh (tín hiệu tạo giả lập)
    url: ${feed.url}
    fallback: media/nhac-cho.wav
relays:
  tu-loa: { driver: modbus-rtu, port: ${board.path}, baud: 9600, address: 1 }
amplifier: { relay: tu-loa, channel: 8, warmup: 2s, cooldown: 1s }
zones:
  ap-an-thuong: { relay: tu-loa, channel: 1, name: Ấp An Thường }
  ap-an-hoa: { relay: tu-loa, channel: 2, name: Ấp An Hòa }
  cho-xa: { relay: tu-loa, channel: 3, name: Chợ xã }
output:
  record: recordings/
bulletins:
  thong-bao-vi: { title: Thông báo tiêm chủng, file: media/thong-bao-vi.wav, language: vi, duration: ${viSeconds}s, approved_by: Phó Chủ tịch UBND xã }
  thong-bao-km: { title: Thông báo tiêm chủng (tiếng Khmer), file: media/thong-bao-km.wav, language: km, duration: ${kmSeconds}s, approved_by: Phó Chủ tịch UBND xã }
programs:
  - id: tiep-song-tinh
    title: Tiếp sóng Đài tỉnh
    source: tinh
    at: "${hms(first)}"
    duration: ${relaySeconds}s
    days: daily
    zones: all
    required: true
    inserts:
      - { bulletin: thong-bao-vi, at: 5s, mode: duck }
      - { bulletin: thong-bao-km, after: thong-bao-vi, mode: insert }
  - id: ban-tin-xa
    title: Bản tin xã
    bulletins: [thong-bao-vi]
    at: "${hms(second)}"
    duration: ${secondSeconds}s
    days: daily
    zones: [ap-an-thuong, cho-xa]
    priority: priority
`;
    const scheduleFile = join(dir, 'lich-phat.yaml');
    writeFileSync(scheduleFile, yaml);
    try {
      journalMod.initStationKeys(join(dir, 'keys'));
    } catch {
      // keys are a bonus for the demo (the audit report verifies them)
    }

    const { startDaemon } = await import('./daemon.js');
    const { consoleLog } = await import('./log.js');
    const runMs = Math.max(o.seconds * 1000, endMs + 4000 - Date.now());
    print(t('engine.demo.running', { seconds: Math.round(runMs / 1000) }));
    const daemon = await startDaemon({
      scheduleFile,
      forMs: runMs,
      log: consoleLog({ tty: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env), timezone: () => TZ, localIso }),
      print,
    });
    await daemon.finished;
    print(t('engine.demo.frames', { count: board.frames.length }));

    // The day's report: the audit's when available, else the slot results from the journal.
    const db = join(dir, 'journal.db');
    const date = localDate(Date.now(), TZ);
    try {
      // Seal the demo day now (a station seals at midnight) so the report shows a sealed day.
      const j = journalMod.openJournal(db, { station: 'xa-demo', timezone: TZ });
      journalMod.sealDay(j, journalMod.loadStationKeys(join(dir, 'keys')), date);
      j.close();
    } catch {
      // unsealed is still a valid demo
    }
    print('');
    print(t('engine.demo.report'));
    let printed = false;
    try {
      const auditMod = await import('../audit/index.js');
      const st = auditMod.reportFromJournal(db, date, date);
      print(auditMod.renderText(auditMod.buildReport([st], date, date)));
      printed = true;
    } catch {
      printed = false;
    }
    if (!printed) {
      const j = journalMod.openJournal(db, { station: 'xa-demo', timezone: TZ, readonly: true });
      for (const e of j.events({ types: ['slot.result'] })) {
        const p = e.payload as EventPayloads['slot.result'];
        print(
          t('engine.demo.resultLine', {
            start: p.start.slice(11, 19),
            title: p.title,
            status: t(`engine.status.${p.status}`),
            aired: p.secondsAired,
            required: p.secondsRequired,
            fallback: p.secondsFallback,
            late: p.lateMs,
          }),
        );
      }
      j.close();
    }
    print(t('engine.demo.files', { db, recordings: join(dir, 'recordings') }));
    print(t('engine.demo.next', { schedule: scheduleFile, db }));
    return EXIT.OK;
  } finally {
    await board?.close().catch(() => undefined);
    await feed.close().catch(() => undefined);
  }
}
