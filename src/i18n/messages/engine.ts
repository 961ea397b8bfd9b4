import type { Catalogue } from '../catalogue.js';

// Sentences of the engine concern (src/engine/ and its CLI commands).
export const engine = {
  // commands
  'engine.cmd.run': { en: 'run the broadcast daemon in the foreground', vi: 'chạy trình phát thanh tự động (chạy nền trước)' },
  'engine.opt.db': { en: 'journal database file (default: journal.db in the station folder)', vi: 'tệp cơ sở dữ liệu nhật ký (mặc định: journal.db trong thư mục đài)' },
  'engine.opt.for': { en: 'stop cleanly after this long (e.g. 90s, 10m)', vi: 'tự dừng gọn gàng sau khoảng thời gian này (ví dụ 90s, 10m)' },
  'engine.arg.schedule': { en: 'the station schedule file (YAML)', vi: 'tệp lịch phát của đài (YAML)' },
  'engine.cmd.status': { en: 'what the running daemon is doing: on air, next slot, feed, relays, faults', vi: 'trình phát đang làm gì: đang phát, chương trình kế tiếp, nguồn tiếp sóng, rơ-le, sự cố' },
  'engine.opt.json': { en: 'print JSON', vi: 'in dạng JSON' },
  'engine.cmd.service': { en: 'run loaxa as a system service', vi: 'chạy loaxa như một dịch vụ hệ thống' },
  'engine.cmd.serviceInstall': { en: 'write a systemd unit that keeps the daemon running', vi: 'tạo tệp dịch vụ systemd để trình phát luôn chạy' },
  'engine.opt.user': { en: 'system user the daemon runs as (default: the current user)', vi: 'tài khoản hệ thống chạy trình phát (mặc định: tài khoản hiện tại)' },
  'engine.opt.output': { en: 'write the unit to this file instead of /etc/systemd/system', vi: 'ghi tệp dịch vụ vào đây thay vì /etc/systemd/system' },
  'engine.cmd.demo': { en: 'a live demo station in a temporary folder (feed, relay board, recordings, report)', vi: 'đài mẫu chạy thật trong thư mục tạm (nguồn tiếp sóng, bảng rơ-le, bản ghi, báo cáo)' },
  'engine.opt.seconds': { en: 'how long the demo runs, in seconds (default 60)', vi: 'thời gian chạy thử, tính bằng giây (mặc định 60)' },
  'engine.opt.priority': { en: 'normal | priority | emergency (with a running daemon: emergency pre-empts what is on air, the others join the next programme)', vi: 'normal | priority | emergency (khi trình phát đang chạy: khẩn cấp dừng ngay chương trình đang phát, các mức khác được xếp vào chương trình kế tiếp)' },

  // the daemon's log lines
  'engine.log.started': { en: 'station {station} started (schedule {file}, journal {db})', vi: 'đài {station} đã khởi động (lịch {file}, nhật ký {db})' },
  'engine.log.socket': { en: 'control socket: {path}', vi: 'ổ điều khiển: {path}' },
  'engine.log.clock': { en: 'clock: synchronised {sync} (source {source}, offset {offset} ms)', vi: 'đồng hồ: đồng bộ {sync} (nguồn {source}, lệch {offset} ms)' },
  'engine.log.clockUnsynced': { en: 'the system clock is not NTP-synchronised: slots may start at the wrong time', vi: 'đồng hồ hệ thống chưa đồng bộ NTP: chương trình có thể phát sai giờ' },
  'engine.log.noKeys': { en: 'no station keys in {dir}: the journal will not be sealed daily (run `loaxa keys init <schedule>`)', vi: 'chưa có khóa của đài trong {dir}: nhật ký sẽ không được niêm phong hằng ngày (chạy `loaxa keys init <lịch>`)' },
  'engine.log.sealed': { en: 'journal sealed for {date}', vi: 'đã niêm phong nhật ký ngày {date}' },
  'engine.log.sealFailed': { en: 'could not seal the journal for {date}: {detail}', vi: 'không niêm phong được nhật ký ngày {date}: {detail}' },
  'engine.log.dayPlanned': { en: 'day {date} planned: {count} slot(s)', vi: 'đã lập kế hoạch ngày {date}: {count} lượt phát' },
  'engine.log.armed': { en: 'pre-roll {slot} “{title}”, on air at {start}', vi: 'chuẩn bị {slot} “{title}”, lên sóng lúc {start}' },
  'engine.log.onAir': { en: 'ON AIR {slot} “{title}”', vi: 'ĐANG PHÁT {slot} “{title}”' },
  'engine.log.result': { en: 'slot {slot}: {status}, {aired} s of {required} s aired', vi: 'lượt {slot}: {status}, đã phát {aired} giây trên {required} giây' },
  'engine.log.joinedLate': { en: 'slot {slot} joined late, {seconds} s after its start', vi: 'vào lượt {slot} muộn {seconds} giây so với giờ bắt đầu' },
  'engine.log.recovered': { en: 'slot {slot} was left open by an unclean stop: closed as interrupted', vi: 'lượt {slot} bị bỏ dở do dừng đột ngột: đã đóng là bị gián đoạn' },
  'engine.log.conflict': { en: 'conflict: {slot} and {other} want the air at once — rule {rule}', vi: 'trùng lịch: {slot} và {other} cùng lúc — xử lý theo quy tắc {rule}' },
  'engine.log.relayFault': { en: 'relay fault ({slot}): {detail}', vi: 'lỗi rơ-le ({slot}): {detail}' },
  'engine.log.relayEvent': { en: 'relay {board} ({port}) {zones} → {wanted}: {confirmed}', vi: 'rơ-le {board} ({port}) {zones} → {wanted}: {confirmed}' },
  'engine.log.relayOutage': { en: 'relay board {board} on {port} unreachable ({reason}); zones {zones}', vi: 'mất kết nối bảng rơ-le {board} ở {port} ({reason}); vùng loa {zones}' },
  'engine.log.relayBack': { en: 'relay board {board} on {port} is back after {seconds} s', vi: 'bảng rơ-le {board} ở {port} đã kết nối lại sau {seconds} giây' },
  'engine.log.audioFailed': { en: 'audio failed ({slot}): {detail}', vi: 'lỗi âm thanh ({slot}): {detail}' },
  'engine.log.audioEvent': { en: '{slot}: {event} {detail}', vi: '{slot}: {event} {detail}' },
  'engine.log.reloaded': { en: 'schedule reloaded from {file}: {programs} programme(s)', vi: 'đã nạp lại lịch từ {file}: {programs} chương trình' },
  'engine.log.rejected': { en: 'the edited schedule {file} has {count} error(s): keeping the last good schedule', vi: 'lịch vừa sửa {file} có {count} lỗi: vẫn dùng lịch hợp lệ trước đó' },
  'engine.log.queued': { en: 'bulletin {bulletin} ({priority}) queued for the next programme', vi: 'bản tin {bulletin} ({priority}) được xếp vào chương trình kế tiếp' },
  'engine.log.emergency': { en: 'EMERGENCY bulletin {bulletin} by {user}: {count} airing(s) pre-empted', vi: 'PHÁT KHẨN CẤP bản tin {bulletin} do {user}: dừng {count} lượt đang phát' },
  'engine.log.stopping': { en: 'stopping ({reason}): fading out, amplifier and zones off', vi: 'đang dừng ({reason}): giảm dần âm lượng, tắt tăng âm và các vùng loa' },
  'engine.log.stopped': { en: 'station stopped ({reason})', vi: 'đài đã dừng ({reason})' },

  // status
  'engine.status.title': { en: 'Station {station} — {now}', vi: 'Đài {station} — {now}' },
  'engine.status.onAir': { en: 'On air: {slot} “{title}” {start} → {end} ({state})', vi: 'Đang phát: {slot} “{title}” {start} → {end} ({state})' },
  'engine.status.nothingOnAir': { en: 'On air: nothing', vi: 'Đang phát: không có' },
  'engine.status.next': { en: 'Next: {slot} “{title}” at {start} (zones {zones})', vi: 'Kế tiếp: {slot} “{title}” lúc {start} (vùng loa {zones})' },
  'engine.status.noNext': { en: 'Next: nothing planned today or tomorrow', vi: 'Kế tiếp: không có chương trình hôm nay và ngày mai' },
  'engine.status.feed': { en: 'Feed {source}: {state} since {at}', vi: 'Nguồn {source}: {state} từ {at}' },
  'engine.status.noFeed': { en: 'Feeds: none connected yet', vi: 'Nguồn tiếp sóng: chưa kết nối' },
  'engine.status.relay': { en: 'Relay {zone} ({board} ch {channel}): {state}{confirmed}', vi: 'Rơ-le {zone} ({board} kênh {channel}): {state}{confirmed}' },
  'engine.status.relayUnconfirmed': { en: ' (not read back)', vi: ' (chưa đọc lại được)' },
  'engine.status.faults': { en: 'Recent faults:', vi: 'Sự cố gần đây:' },
  'engine.status.noFaults': { en: 'Recent faults: none', vi: 'Sự cố gần đây: không có' },
  'engine.status.queued': { en: 'Queued bulletins: {list}', vi: 'Bản tin chờ phát: {list}' },
  'engine.status.notRunning': { en: 'no loaxa daemon is running for station {station} (no control socket in {dir})', vi: 'không có trình phát loaxa nào đang chạy cho đài {station} (không thấy ổ điều khiển trong {dir})' },
  'engine.status.planNext': { en: 'Next in the plan: {slot} “{title}” at {start}', vi: 'Kế tiếp theo lịch: {slot} “{title}” lúc {start}' },

  // play through the daemon
  'engine.play.viaDaemon': { en: 'sent to the running daemon: {bulletin} ({priority})', vi: 'đã gửi tới trình phát đang chạy: {bulletin} ({priority})' },
  'engine.play.preempted': { en: 'pre-empted: {list}', vi: 'đã dừng để phát khẩn: {list}' },
  'engine.play.queuedNote': { en: 'it will play in the next programme', vi: 'bản tin sẽ phát trong chương trình kế tiếp' },
  'engine.play.unknownBulletin': { en: 'no bulletin "{bulletin}" in the schedule', vi: 'không có bản tin "{bulletin}" trong lịch' },
  'engine.play.noFile': { en: 'bulletin "{bulletin}" has no audio file', vi: 'bản tin "{bulletin}" không có tệp âm thanh' },
  'engine.play.unknownZone': { en: 'unknown zone(s): {zones}', vi: 'không có vùng loa: {zones}' },

  // socket
  'engine.socket.busy': { en: 'another loaxa daemon already runs for this station (control socket {path} answers)', vi: 'đã có một trình phát loaxa khác chạy cho đài này (ổ điều khiển {path} đang trả lời)' },
  'engine.socket.badRequest': { en: 'malformed control request', vi: 'yêu cầu điều khiển không hợp lệ' },
  'engine.socket.failed': { en: 'the daemon could not do it: {detail}', vi: 'trình phát không thực hiện được: {detail}' },
  'engine.socket.timeout': { en: 'the daemon did not answer on {path}', vi: 'trình phát không trả lời qua {path}' },
  'engine.socket.denied': { en: 'permission denied on {path}: only the daemon’s user and group may use it (ask to be added to its group)', vi: 'không có quyền dùng {path}: chỉ tài khoản và nhóm của trình phát được dùng (hãy xin được thêm vào nhóm)' },
  'engine.socket.unreachable': { en: 'cannot reach the daemon on {path} ({detail})', vi: 'không kết nối được trình phát qua {path} ({detail})' },

  // service install
  'engine.service.written': { en: 'systemd unit written to {file}', vi: 'đã ghi tệp dịch vụ systemd vào {file}' },
  'engine.service.enable': { en: 'To start it now and at every boot, run:', vi: 'Để chạy ngay và tự chạy mỗi khi khởi động máy, gõ:' },
  'engine.service.groups': { en: 'The service runs as {user} with the groups dialout (serial ports) and audio (sound card).', vi: 'Dịch vụ chạy bằng tài khoản {user} với các nhóm dialout (cổng nối tiếp) và audio (card âm thanh).' },
  'engine.service.cannotWrite': { en: 'cannot write {file} ({reason}); run with sudo, or use --output <file>', vi: 'không ghi được {file} ({reason}); hãy chạy bằng sudo, hoặc dùng --output <tệp>' },

  // run
  'engine.run.forInvalid': { en: 'invalid --for "{value}": use e.g. 90s, 10m', vi: '--for không hợp lệ "{value}": dùng ví dụ 90s, 10m' },
  'engine.run.reloadErrors': { en: 'errors in the edited schedule:', vi: 'lỗi trong lịch vừa sửa:' },

  // demo
  'engine.demo.missingTool': { en: '{tool} is needed for the demo but is not installed. On Debian/Ubuntu: sudo apt-get install {package}', vi: 'cần {tool} để chạy thử nhưng chưa được cài. Trên Debian/Ubuntu: sudo apt-get install {package}' },
  'engine.demo.folder': { en: 'demo station folder: {dir}', vi: 'thư mục đài mẫu: {dir}' },
  'engine.demo.feed': { en: 'provincial feed (generated): {url}', vi: 'nguồn tiếp sóng tỉnh (tạo giả lập): {url}' },
  'engine.demo.board': { en: 'simulated Modbus relay board on {port}', vi: 'bảng rơ-le Modbus giả lập ở {port}' },
  'engine.demo.bulletins': { en: 'bulletins: {list}', vi: 'bản tin: {list}' },
  'engine.demo.running': { en: 'running for {seconds} s — slots start in the next seconds…', vi: 'đang chạy {seconds} giây — các lượt phát bắt đầu trong vài giây tới…' },
  'engine.demo.frames': { en: 'relay frames seen by the board: {count}', vi: 'số khung lệnh rơ-le bảng đã nhận: {count}' },
  'engine.demo.report': { en: 'Report of the day:', vi: 'Báo cáo trong ngày:' },
  'engine.demo.resultLine': { en: '{start}  {title}: {status}, aired {aired}/{required} s, fallback {fallback} s, late {late} ms', vi: '{start}  {title}: {status}, đã phát {aired}/{required} giây, phát dự phòng {fallback} giây, trễ {late} ms' },
  'engine.demo.files': { en: 'files: journal {db}, recordings in {recordings}', vi: 'tệp: nhật ký {db}, bản ghi trong {recordings}' },
  'engine.demo.next': { en: 'Next: `loaxa log {schedule}` shows the day; `loaxa audit verify --db {db}` checks the journal.', vi: 'Tiếp theo: `loaxa log {schedule}` xem nhật ký ngày; `loaxa audit verify --db {db}` kiểm tra nhật ký.' },
  'engine.demo.failed': { en: 'the demo could not start: {detail}', vi: 'không chạy thử được: {detail}' },

  // slot statuses as a person reads them
  'engine.status.aired': { en: 'aired', vi: 'đã phát' },
  'engine.status.partial': { en: 'partial', vi: 'phát không đủ' },
  'engine.status.missed': { en: 'missed', vi: 'bị lỡ' },
  'engine.status.preempted': { en: 'pre-empted', vi: 'bị phát khẩn chen ngang' },
  'engine.status.interrupted': { en: 'interrupted', vi: 'bị gián đoạn' },
} satisfies Catalogue;
