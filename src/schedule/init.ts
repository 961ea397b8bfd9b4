/**
 * `loaxa init`: a new station folder with a commented example schedule (comments in the
 * reader's language) and small placeholder MP3 files shipped with loaxa — no ffmpeg needed.
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { basename, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, LoaxaError, makeFolders, t } from '../i18n/index.js';

/** Placeholder media shipped in the package (fixtures/schedule/media). */
const MEDIA_DIR = fileURLToPath(new URL('../../fixtures/schedule/media/', import.meta.url));

const PLACEHOLDERS: Array<[from: string, to: string]> = [
  ['silence-3s.mp3', 'media/nhac-cho.mp3'],
  ['tone-440-3s.mp3', 'media/thong-bao-xa.mp3'],
  ['tone-660-3s.mp3', 'media/5k-vi.mp3'],
];

/** Lines starting with `#!key` become a comment with that catalogue sentence. */
/** The JSON Schema shipped with loaxa, so editors complete and check the new file. */
const SCHEMA = fileURLToPath(new URL('../../schema/schedule.schema.json', import.meta.url));

const TEMPLATE = `# yaml-language-server: $schema={schema}
#!schedule.init.c.intro
#!schedule.init.c.docs

#!schedule.init.c.station
station:
  id: {id}
  name: Đài truyền thanh xã {name}
  district: Huyện của bạn
  province: Tỉnh của bạn
  timezone: Asia/Ho_Chi_Minh

#!schedule.init.c.sources
sources:
  tinh:
    title: Đài Phát thanh và Truyền hình tỉnh
    url: https://radio.example.vn/tinh/live.mp3
    fallback: media/nhac-cho.mp3

#!schedule.init.c.relays
relays:
  tu-loa:
    driver: modbus-rtu
    port: /dev/ttyUSB0
    baud: 9600
    address: 1

#!schedule.init.c.amplifier
amplifier: { relay: tu-loa, channel: 8, warmup: 5s, cooldown: 3s }

#!schedule.init.c.zones
zones:
  ap-1: { relay: tu-loa, channel: 1, name: Ấp 1 }
  ap-2: { relay: tu-loa, channel: 2, name: Ấp 2 }

#!schedule.init.c.output
output:
  device: alsa:default
  record: recordings/

#!schedule.init.c.bulletins
bulletins:
  thong-bao-xa:
    title: Thông báo của UBND xã
    file: media/thong-bao-xa.mp3
    language: vi
    duration: 3s
    approved_by: Chủ tịch UBND xã
  5k-vi:
    title: Thông điệp 5K
    file: media/5k-vi.mp3
    language: vi
    duration: 3s
    approved_by: Chủ tịch UBND xã

#!schedule.init.c.programs
programs:
  - id: thoi-su-tinh-sang
    title: Tiếp sóng thời sự Đài tỉnh buổi sáng
    source: tinh
    at: "05:30"
    duration: 30m
    days: daily
    zones: all
    required: true
    inserts:
      #!schedule.init.c.inserts
      - { bulletin: 5k-vi, at: 25m, mode: duck }

  - id: ban-tin-xa-chieu
    title: Bản tin xã buổi chiều
    bulletins: [thong-bao-xa, 5k-vi]
    at: "17:00"
    days: daily
    zones: [ap-1, ap-2]
    priority: priority
    #!schedule.init.c.repeat
    repeat: 2
    gap: 30s

#!schedule.init.c.exceptions
exceptions:
  - { holiday: tet, skip: all, reason: Nghỉ Tết Nguyên Đán }

#!schedule.init.c.policies
policies:
  - { bulletins: "5k-*", min_per_day: 2 }
  - { max_sessions_per_day: 3, max_session_minutes: 45 }
`;

function slug(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return ascii || 'xa-moi';
}

/** The example schedule text, commented in the current language. */
export function exampleSchedule(stationId: string, stationName: string): string {
  return TEMPLATE.replace(/^(\s*)#!(\S+)$/gm, (_whole, indent: string, key: string) => `${indent}# ${t(key)}`)
    .replace('{schema}', SCHEMA)
    .replace('{id}', stationId)
    .replace('{name}', stationName);
}

/** Create the station folder; refuses to overwrite an existing schedule. */
export async function initStation(dir: string): Promise<{ dir: string; file: string }> {
  const abs = resolvePath(dir);
  const file = join(abs, 'schedule.yaml');
  if (existsSync(file)) throw new LoaxaError('schedule.init.exists', { file }, EXIT.INVALID);
  try {
    makeFolders(join(abs, 'media'));
    makeFolders(join(abs, 'recordings'));
    const folderName = basename(abs);
    const id = slug(folderName);
    writeFileSync(file, exampleSchedule(id, folderName === id ? 'mới' : folderName), { flag: 'wx' });
    for (const [from, to] of PLACEHOLDERS) {
      const target = join(abs, to);
      if (!existsSync(target)) copyFileSync(join(MEDIA_DIR, from), target);
    }
  } catch (e) {
    if (e instanceof LoaxaError) throw e;
    throw new LoaxaError('schedule.init.failed', { dir: abs, reason: (e as NodeJS.ErrnoException).code ?? String(e) }, EXIT.FAULT);
  }
  return { dir: abs, file: join(dir, 'schedule.yaml') };
}
