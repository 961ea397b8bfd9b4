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
    en: 'Journal intact — events: {events}, days: {days} ({from} to {to}), seals: {seals}',
    vi: 'Sổ nhật ký nguyên vẹn — sự kiện: {events}, số ngày: {days} ({from} đến {to}), dấu niêm phong: {seals}',
  },
  'journal.verify.head': { en: 'Head: seq {seq}, hash {hash}', vi: 'Dòng cuối: seq {seq}, mã băm {hash}' },
  'journal.verify.bad': {
    en: 'Journal NOT intact: first bad row is seq {seq}',
    vi: 'Sổ nhật ký KHÔNG nguyên vẹn: dòng sai đầu tiên là seq {seq}',
  },
  'journal.verify.checked': {
    en: 'Checked before it — events: {events}, seals: {seals}',
    vi: 'Đã kiểm tra trước đó — sự kiện: {events}, dấu niêm phong: {seals}',
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
    en: 'seal {seq} (day {date}) is forged: its signature does not check out',
    vi: 'dấu niêm phong {seq} (ngày {date}) bị giả mạo: chữ ký không hợp lệ',
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

  // officer's day log
  'journal.log.title': { en: 'Broadcast log — {station} — {date}', vi: 'Nhật ký phát thanh — {station} — ngày {date}' },
  'journal.log.slots': { en: 'Scheduled slots', vi: 'Các buổi phát theo lịch' },
  'journal.log.noPlan': { en: 'no plan recorded for this day', vi: 'không có kế hoạch phát nào được ghi cho ngày này' },
  'journal.log.events': { en: 'Events (faults, bulletins, operator actions)', vi: 'Sự kiện (sự cố, bản tin, thao tác của cán bộ)' },
  'journal.log.noEvents': { en: 'nothing recorded', vi: 'không có gì được ghi' },
  'journal.log.yes': { en: 'yes', vi: 'có' },
  'journal.log.no': { en: 'no', vi: 'không' },
  'journal.log.col.time': { en: 'Time', vi: 'Giờ' },
  'journal.log.col.program': { en: 'Program', vi: 'Chương trình' },
  'journal.log.col.zones': { en: 'Zones', vi: 'Khu vực' },
  'journal.log.col.required': { en: 'Required', vi: 'Bắt buộc' },
  'journal.log.col.status': { en: 'Status', vi: 'Kết quả' },
  'journal.log.col.seconds': { en: 'Aired/req. s', vi: 'Đã phát/yêu cầu (giây)' },
  'journal.log.col.reasons': { en: 'Reasons', vi: 'Lý do' },
  'journal.log.status.aired': { en: 'aired', vi: 'đã phát' },
  'journal.log.status.partial': { en: 'partial', vi: 'phát một phần' },
  'journal.log.status.missed': { en: 'MISSED', vi: 'KHÔNG PHÁT' },
  'journal.log.status.preempted': { en: 'pre-empted', vi: 'bị ưu tiên thay thế' },
  'journal.log.status.interrupted': { en: 'interrupted', vi: 'bị gián đoạn' },
  'journal.log.resumed': { en: '(resumed)', vi: '(phát tiếp)' },
  'journal.log.status.pending': { en: 'not yet', vi: 'chưa đến giờ' },
  'journal.log.totals': {
    en: 'Required slots aired in full: {aired} of {required}; {minutes} min on air, {fallback} min of it on fallback',
    vi: 'Buổi bắt buộc phát trọn vẹn: {aired}/{required}; phát {minutes} phút, trong đó {fallback} phút phát dự phòng',
  },
  'journal.log.sealed': {
    en: 'Day sealed by row {seq} (up to seq {lastSeq}, key {fingerprint})',
    vi: 'Ngày đã được niêm phong bởi dòng {seq} (đến seq {lastSeq}, khóa {fingerprint})',
  },
  'journal.log.notSealed': { en: 'Day not sealed yet', vi: 'Ngày chưa được niêm phong' },
  'journal.log.corrected': { en: 'Corrected rows: {seqs}', vi: 'Các dòng đã được đính chính: {seqs}' },
  'journal.log.readbackMismatch': { en: 'read-back does not match', vi: 'trạng thái đọc lại không khớp' },
  'journal.log.noReply': { en: 'no reply', vi: 'không phản hồi' },
  'journal.log.why.feed-lost': { en: 'feed lost', vi: 'mất tín hiệu tiếp sóng' },
  'journal.log.why.dead-air': { en: 'dead air', vi: 'im lặng kéo dài' },
  'journal.log.why.ffmpeg-died': { en: 'audio process died', vi: 'tiến trình âm thanh bị dừng' },
  'journal.log.ev.station.start': { en: 'Station started (loaxa {version}, user {user} on {host})', vi: 'Đài khởi động (loaxa {version}, người dùng {user} trên {host})' },
  'journal.log.ev.station.stop': { en: 'Station stopped: {reason}', vi: 'Đài dừng: {reason}' },
  'journal.log.ev.schedule.loaded': {
    en: 'Schedule loaded: {file} ({programs} programs, {zones} zones, sha256 {sha}…)',
    vi: 'Đã nạp lịch: {file} ({programs} chương trình, {zones} khu vực, sha256 {sha}…)',
  },
  'journal.log.ev.schedule.rejected': {
    en: 'Schedule edit rejected: {file} ({count} errors); the last good schedule stays in force',
    vi: 'Bản sửa lịch bị từ chối: {file} ({count} lỗi); lịch hợp lệ trước đó vẫn được dùng',
  },
  'journal.log.ev.relay.fault': {
    en: 'Relay fault: board {board}, channels {channels} ({zones}), wanted {wanted}: {fault}',
    vi: 'Sự cố rơ-le: bo {board}, kênh {channels} ({zones}), cần {wanted}: {fault}',
  },
  'journal.log.ev.relay.outage': { en: 'Relay board {board} out of reach ({zones}): {reason}', vi: 'Mất liên lạc với bo rơ-le {board} ({zones}): {reason}' },
  'journal.log.ev.relay.outage.ended': {
    en: 'Relay board {board} was out of reach for {seconds} s ({zones}): {reason}',
    vi: 'Bo rơ-le {board} mất liên lạc {seconds} giây ({zones}): {reason}',
  },
  'journal.log.ev.feed.connected': { en: 'Feed {source} connected', vi: 'Đã kết nối nguồn tiếp sóng {source}' },
  'journal.log.ev.feed.lost': { en: 'Feed {source} lost: {reason}', vi: 'Mất nguồn tiếp sóng {source}: {reason}' },
  'journal.log.ev.fallback.started': { en: 'Fallback for {source} started ({file}): {reason}', vi: 'Bắt đầu phát dự phòng cho {source} ({file}): {reason}' },
  'journal.log.ev.fallback.ended': { en: 'Fallback for {source} ended after {seconds} s', vi: 'Kết thúc phát dự phòng cho {source} sau {seconds} giây' },
  'journal.log.ev.deadair.started': { en: 'Dead air on {source} (below {db} dB)', vi: 'Im lặng trên {source} (dưới {db} dB)' },
  'journal.log.ev.deadair.ended': { en: 'Dead air on {source} ended after {seconds} s', vi: 'Hết im lặng trên {source} sau {seconds} giây' },
  'journal.log.ev.audio.restarted': { en: 'Audio restarted ({reason}), gap {gap} s', vi: 'Khởi động lại âm thanh ({reason}), ngắt {gap} giây' },
  'journal.log.ev.insert.played': {
    en: 'Bulletin {bulletin} [{language}] played ({mode}, {seconds} s), approved by {approvedBy}',
    vi: 'Đã phát bản tin {bulletin} [{language}] ({mode}, {seconds} giây), người duyệt: {approvedBy}',
  },
  'journal.log.ev.recording.saved': { en: 'Off-air recording saved: {file} ({seconds} s)', vi: 'Đã lưu bản ghi phát sóng: {file} ({seconds} giây)' },
  'journal.log.ev.operator.action': { en: 'Operator {user}: {command}', vi: 'Cán bộ {user}: {command}' },
  'journal.log.ev.operator.action.reason': { en: 'Operator {user}: {command} — reason: {reason}', vi: 'Cán bộ {user}: {command} — lý do: {reason}' },
  'journal.log.ev.emergency.broadcast': {
    en: 'EMERGENCY broadcast {bulletin} [{language}] on {zones} by {user}; pre-empted: {preempted}',
    vi: 'PHÁT KHẨN CẤP {bulletin} [{language}] tại {zones} bởi {user}; đã tạm dừng: {preempted}',
  },
  'journal.log.ev.conflict.resolved': {
    en: 'Conflict on {zones}: {slot} against {other}, resolved by {rule}',
    vi: 'Trùng lịch tại {zones}: {slot} với {other}, xử lý theo {rule}',
  },
  'journal.log.ev.clock.ok': { en: 'Clock synchronised ({source}, offset {offset} ms)', vi: 'Đồng hồ đã đồng bộ ({source}, lệch {offset} ms)' },
  'journal.log.ev.clock.bad': { en: 'Clock NOT synchronised ({source}, offset {offset} ms)', vi: 'Đồng hồ CHƯA đồng bộ ({source}, lệch {offset} ms)' },
  'journal.log.ev.clock.unknown': { en: 'Clock synchronisation unknown ({source})', vi: 'Không rõ đồng hồ có đồng bộ không ({source})' },
  'journal.log.ev.recovery.closed-interrupted': { en: 'Recovery: slot {slot} closed as interrupted — {detail}', vi: 'Khôi phục: buổi {slot} được đóng là bị gián đoạn — {detail}' },
  'journal.log.ev.recovery.resumed': { en: 'Recovery: slot {slot} resumed — {detail}', vi: 'Khôi phục: tiếp tục buổi {slot} — {detail}' },
  'journal.log.ev.recovery.relays-reset': { en: 'Recovery: relays reset — {detail}', vi: 'Khôi phục: đặt lại rơ-le — {detail}' },
  'journal.log.ev.seal': { en: 'Day {date} sealed up to seq {lastSeq} (key {fingerprint})', vi: 'Đã niêm phong ngày {date} đến seq {lastSeq} (khóa {fingerprint})' },
  'journal.log.ev.correction': { en: 'Correction of row {seq} by {user}: {reason}', vi: 'Đính chính dòng {seq} bởi {user}: {reason}' },

  // CLI
  'journal.cli.log': { en: "show a day's broadcast log: slots, what aired, faults, operator actions", vi: 'xem nhật ký phát thanh của một ngày: các buổi phát, nội dung đã phát, sự cố, thao tác của cán bộ' },
  'journal.cli.journal': { en: 'seal, correct and check the compliance journal', vi: 'niêm phong, đính chính và kiểm tra sổ nhật ký' },
  'journal.cli.seal': { en: "sign a day's journal with the station key (done by the daemon at midnight)", vi: 'ký niêm phong nhật ký một ngày bằng khóa của đài (dịch vụ tự làm lúc nửa đêm)' },
  'journal.cli.correct': { en: 'record a correction of a journal row (rows are never edited)', vi: 'ghi một đính chính cho một dòng nhật ký (các dòng không bao giờ bị sửa)' },
  'journal.cli.verify': { en: "check the station's journal chain and seals", vi: 'kiểm tra chuỗi băm và các dấu niêm phong của sổ nhật ký' },
  'journal.cli.keys': { en: "the station's signing keys", vi: 'khóa ký của đài' },
  'journal.cli.keysInit': { en: "make the station's key pair in keys/", vi: 'tạo cặp khóa của đài trong thư mục keys/' },
  'journal.cli.keysShow': { en: 'print the public key and fingerprint to register with the district', vi: 'in khóa công khai và dấu vân tay để đăng ký với huyện' },
  'journal.cli.arg.schedule': { en: "the station's schedule file (YAML)", vi: 'tệp lịch phát của đài (YAML)' },
  'journal.cli.opt.date': { en: 'local date YYYY-MM-DD (default today)', vi: 'ngày theo giờ địa phương YYYY-MM-DD (mặc định hôm nay)' },
  'journal.cli.opt.sealDate': { en: 'local date to seal, YYYY-MM-DD (default today, up to now)', vi: 'ngày cần niêm phong, YYYY-MM-DD (mặc định hôm nay, tính đến hiện tại)' },
  'journal.cli.opt.json': { en: "print the day's events as a JSON array", vi: 'in các sự kiện của ngày dưới dạng mảng JSON' },
  'journal.cli.opt.db': { en: 'journal file (default journal.db in the station folder)', vi: 'tệp nhật ký (mặc định journal.db trong thư mục của đài)' },
  'journal.cli.opt.seq': { en: 'seq of the row being corrected', vi: 'số seq của dòng cần đính chính' },
  'journal.cli.opt.reason': { en: 'why (kept in the journal)', vi: 'lý do (được lưu trong nhật ký)' },
  'journal.cli.opt.set': { en: 'corrected field, e.g. --set status=aired (repeatable)', vi: 'trường được đính chính, ví dụ --set status=aired (dùng nhiều lần được)' },
  'journal.cli.seq.invalid': { en: 'invalid seq "{value}": use a row number from 1', vi: 'seq không hợp lệ "{value}": dùng số thứ tự dòng từ 1' },
  'journal.cli.set.invalid': { en: 'invalid --set "{value}": use key=value', vi: '--set không hợp lệ "{value}": dùng dạng khóa=giá trị' },
  'journal.seal.nothing': { en: 'nothing to seal: the journal has no events on {date}', vi: 'không có gì để niêm phong: nhật ký không có sự kiện nào ngày {date}' },
  'journal.seal.done': { en: 'Sealed {date} up to seq {lastSeq} (seal is row {seq})', vi: 'Đã niêm phong ngày {date} đến seq {lastSeq} (dấu niêm phong là dòng {seq})' },
  'journal.seal.already': { en: '{date} is already sealed up to seq {lastSeq} (row {seq})', vi: 'Ngày {date} đã được niêm phong đến seq {lastSeq} (dòng {seq})' },
  'journal.seal.detail': { en: 'Head hash {hash}, key {fingerprint}', vi: 'Mã băm cuối {hash}, khóa {fingerprint}' },
  'journal.correct.noReason': { en: 'a correction needs a reason', vi: 'đính chính cần có lý do' },
  'journal.correct.noSuchRow': { en: 'the journal has no row {seq}', vi: 'nhật ký không có dòng {seq}' },
  'journal.correct.seal': { en: 'row {seq} is a seal; seals cannot be corrected', vi: 'dòng {seq} là dấu niêm phong; không thể đính chính dấu niêm phong' },
  'journal.correct.done': { en: 'Correction of row {seq} recorded as row {at}', vi: 'Đã ghi đính chính cho dòng {seq} thành dòng {at}' },
  'journal.keys.made': { en: 'Station key pair created in {dir}', vi: 'Đã tạo cặp khóa của đài trong {dir}' },
  'journal.keys.station': { en: 'Station {station} — {name}', vi: 'Đài {station} — {name}' },
  'journal.keys.public': { en: 'Public key: {key}', vi: 'Khóa công khai: {key}' },
  'journal.keys.fingerprint': { en: 'Fingerprint: {fingerprint}', vi: 'Dấu vân tay: {fingerprint}' },
  'journal.keys.register': {
    en: 'Register this fingerprint with the district (Phòng Văn hóa – Thông tin). Keep keys/station.key private and backed up.',
    vi: 'Hãy đăng ký dấu vân tay này với Phòng Văn hóa – Thông tin huyện. Giữ bí mật và sao lưu keys/station.key.',
  },
} satisfies Catalogue;
