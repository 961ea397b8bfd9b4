import type { Catalogue } from '../catalogue.js';

// Sentences of the journal concern (src/journal/ and its CLI commands).
export const journal = {
  // store
  'journal.db.missing': { en: '{file}: journal not found', vi: '{file}: không tìm thấy sổ nhật ký' },
  'journal.db.unreadable': { en: '{file}: cannot open the journal ({reason})', vi: '{file}: không mở được sổ nhật ký ({reason})' },
  'journal.db.notJournal': { en: '{file}: not a loaxa journal', vi: '{file}: không phải sổ nhật ký loaxa' },
  'journal.db.tooNew': {
    en: 'the journal has schema version {version}, this loaxa knows up to {supported}: upgrade loaxa',
    vi: 'sổ nhật ký có phiên bản lược đồ {version}, bản loaxa này chỉ hỗ trợ đến {supported}: hãy nâng cấp loaxa',
  },
  'journal.db.otherStation': {
    en: '{file} is the journal of station "{owner}", not "{station}"',
    vi: '{file} là sổ nhật ký của đài "{owner}", không phải "{station}"',
  },
  'journal.timezone.invalid': { en: 'unknown time zone "{timezone}"', vi: 'múi giờ không hợp lệ "{timezone}"' },

  // keys
  'journal.keys.exists': {
    en: '{path} already holds a station key pair; loaxa will not overwrite it (seals made with it would no longer verify)',
    vi: '{path} đã có cặp khóa của đài; loaxa không ghi đè (các dấu niêm phong đã ký sẽ không còn kiểm tra được)',
  },
  'journal.keys.missing': {
    en: 'no station key in {path}: run `loaxa keys init <schedule>` first',
    vi: 'chưa có khóa của đài trong {path}: hãy chạy `loaxa keys init <lịch>` trước',
  },
  'journal.keys.tooOpen': {
    en: 'private key {path} is readable by other users (mode {mode}); loaxa refuses to use it. Fix: chmod 600 {path}',
    vi: 'khóa bí mật {path} người dùng khác đọc được (quyền {mode}); loaxa từ chối dùng. Sửa: chmod 600 {path}',
  },
  'journal.keys.badPrivate': { en: '{path}: not an Ed25519 private key', vi: '{path}: không phải khóa bí mật Ed25519' },
  'journal.keys.badPublic': { en: 'not an Ed25519 public key', vi: 'không phải khóa công khai Ed25519' },
  'journal.keys.pairMismatch': {
    en: '{path}: station.pub does not belong to station.key',
    vi: '{path}: station.pub không khớp với station.key',
  },

  // verification
  'journal.verify.ok': {
    en: 'Journal intact: {events} events over {days} days ({from} to {to}), {seals} seals',
    vi: 'Sổ nhật ký nguyên vẹn: {events} sự kiện trong {days} ngày ({from} đến {to}), {seals} dấu niêm phong',
  },
  'journal.verify.head': { en: 'Head: seq {seq}, hash {hash}', vi: 'Dòng cuối: seq {seq}, mã băm {hash}' },
  'journal.verify.bad': {
    en: 'Journal NOT intact: first bad row is seq {seq}',
    vi: 'Sổ nhật ký KHÔNG nguyên vẹn: dòng sai đầu tiên là seq {seq}',
  },
  'journal.verify.checked': {
    en: 'Checked before it: {events} events, {seals} seals',
    vi: 'Đã kiểm tra trước đó: {events} sự kiện, {seals} dấu niêm phong',
  },
  'journal.verify.problem.changed': {
    en: 'row {seq} was changed: its content no longer matches its hash',
    vi: 'dòng {seq} đã bị sửa: nội dung không còn khớp mã băm',
  },
  'journal.verify.problem.missing': {
    en: 'rows {from} to {to} are missing (deleted)',
    vi: 'thiếu các dòng từ {from} đến {to} (đã bị xóa)',
  },
  'journal.verify.problem.order': {
    en: 'rows are out of order at seq {seq} (moved or swapped)',
    vi: 'các dòng bị đảo thứ tự tại seq {seq} (bị di chuyển hoặc hoán đổi)',
  },
  'journal.verify.problem.seal-forged': {
    en: 'seal {seq} (day {date}) is forged: bad {reason}',
    vi: 'dấu niêm phong {seq} (ngày {date}) bị giả mạo: sai {reason}',
  },
  'journal.verify.problem.seal-missing': {
    en: 'day {date} is not sealed (its last event is seq {seq})',
    vi: 'ngày {date} chưa được niêm phong (sự kiện cuối là seq {seq})',
  },
  'journal.verify.problem.seal-wrong-key': {
    en: "seal {seq} (day {date}) is signed by another key than the station's",
    vi: 'dấu niêm phong {seq} (ngày {date}) được ký bằng khóa khác với khóa của đài',
  },
  'journal.verify.problem.seal-mismatch': {
    en: 'seal {seq} (day {date}) does not match the chain: history was rewritten',
    vi: 'dấu niêm phong {seq} (ngày {date}) không khớp chuỗi: lịch sử đã bị viết lại',
  },
  'journal.verify.key.given': { en: 'Seals checked against key {fingerprint}', vi: 'Đã kiểm tra dấu niêm phong theo khóa {fingerprint}' },
  'journal.verify.key.station-folder': {
    en: "Seals checked against the station's key {fingerprint} (keys/station.pub)",
    vi: 'Đã kiểm tra dấu niêm phong theo khóa của đài {fingerprint} (keys/station.pub)',
  },
  'journal.verify.key.first-seen': {
    en: 'Seals checked against the first key seen, {fingerprint} (no registered key given)',
    vi: 'Đã kiểm tra dấu niêm phong theo khóa gặp đầu tiên, {fingerprint} (chưa có khóa đăng ký)',
  },
  'journal.verify.key.none': { en: 'No seal and no key to check against', vi: 'Không có dấu niêm phong và không có khóa để kiểm tra' },
  'journal.verify.openDay': {
    en: 'Day {date} is not sealed yet (the current day)',
    vi: 'Ngày {date} chưa niêm phong (ngày hiện tại)',
  },
} satisfies Catalogue;
