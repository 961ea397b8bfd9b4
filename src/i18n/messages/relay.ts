import type { Catalogue } from '../catalogue.js';

// Sentences of the relay concern (src/relay/ and its CLI commands).
export const relay = {
  // Opening a port
  'relay.port.missing': {
    en: 'relay board "{board}": serial port {port} does not exist (is the adapter plugged in? check `relays.{board}.port` in the schedule)',
    vi: 'bảng rơ-le "{board}": không có cổng nối tiếp {port} (bộ chuyển đổi đã cắm chưa? kiểm tra `relays.{board}.port` trong lịch phát)',
  },
  'relay.port.denied': {
    en: 'relay board "{board}": permission denied on serial port {port}. Add your user to the dialout group: `sudo usermod -aG dialout $USER`, then log out and in again',
    vi: 'bảng rơ-le "{board}": không có quyền mở cổng nối tiếp {port}. Thêm người dùng vào nhóm dialout: `sudo usermod -aG dialout $USER`, rồi đăng xuất và đăng nhập lại',
  },
  'relay.port.locked': {
    en: 'relay board "{board}": serial port {port} is in use by another program (another loaxa — perhaps the running daemon — or a serial terminal). Stop it, or use its control commands',
    vi: 'bảng rơ-le "{board}": cổng nối tiếp {port} đang bị chương trình khác giữ (một loaxa khác — có thể là tiến trình nền đang chạy — hoặc phần mềm terminal). Hãy dừng chương trình đó, hoặc dùng lệnh điều khiển của nó',
  },
  'relay.port.openFailed': {
    en: 'relay board "{board}": cannot open serial port {port} ({reason})',
    vi: 'bảng rơ-le "{board}": không mở được cổng nối tiếp {port} ({reason})',
  },
  // Talking to a board
  'relay.board.silent': {
    en: 'relay board "{board}" on {port} does not answer ({tries} tries, {timeoutMs} ms each). Check power, wiring (A/B), baud rate {baud} and address {address}',
    vi: 'bảng rơ-le "{board}" trên {port} không trả lời ({tries} lần thử, mỗi lần {timeoutMs} ms). Kiểm tra nguồn, dây nối (A/B), tốc độ {baud} và địa chỉ {address}',
  },
  'relay.board.garbage': {
    en: 'relay board "{board}" on {port} answers with unreadable bytes ({bytes}). Check the baud rate ({baud}), the driver ({driver}) and the address',
    vi: 'bảng rơ-le "{board}" trên {port} trả lời bằng dữ liệu không đọc được ({bytes}). Kiểm tra tốc độ ({baud}), trình điều khiển ({driver}) và địa chỉ',
  },
  'relay.board.badCrc': {
    en: 'relay board "{board}" on {port} answers with a wrong checksum ({bytes}): noise on the line? Check the RS-485 wiring and termination',
    vi: 'bảng rơ-le "{board}" trên {port} trả lời sai mã kiểm tra ({bytes}): đường truyền bị nhiễu? Kiểm tra dây RS-485 và điện trở đầu cuối',
  },
  'relay.board.unplugged': {
    en: 'relay board "{board}": serial port {port} was unplugged during a command; loaxa will reconnect and restore the relays when it is back',
    vi: 'bảng rơ-le "{board}": cổng nối tiếp {port} bị rút ra giữa lúc gửi lệnh; loaxa sẽ kết nối lại và khôi phục rơ-le khi cổng có lại',
  },
  'relay.board.gone': {
    en: 'relay board "{board}": serial port {port} is gone (unplugged?); loaxa reconnects and restores the relays when it is back',
    vi: 'bảng rơ-le "{board}": cổng nối tiếp {port} đã mất (bị rút ra?); loaxa sẽ kết nối lại và khôi phục rơ-le khi cổng có lại',
  },
  'relay.board.disconnected': {
    en: 'relay board "{board}": serial port {port} is disconnected; the relays will be set when it is back',
    vi: 'bảng rơ-le "{board}": cổng nối tiếp {port} đang mất kết nối; rơ-le sẽ được đặt khi cổng có lại',
  },
  'relay.board.badReply': {
    en: 'relay board "{board}" on {port} gave an unexpected reply: {reply}',
    vi: 'bảng rơ-le "{board}" trên {port} trả lời không như mong đợi: {reply}',
  },
  'relay.modbus.exception': {
    en: 'relay board "{board}" on {port} refused the command: Modbus exception {code} ({meaning})',
    vi: 'bảng rơ-le "{board}" trên {port} từ chối lệnh: ngoại lệ Modbus {code} ({meaning})',
  },
  'relay.modbus.exception.1': { en: 'illegal function: the board does not support this command', vi: 'chức năng không hợp lệ: bảng không hỗ trợ lệnh này' },
  'relay.modbus.exception.2': { en: 'illegal data address: no such channel on this board', vi: 'địa chỉ dữ liệu không hợp lệ: bảng không có kênh này' },
  'relay.modbus.exception.3': { en: 'illegal data value', vi: 'giá trị dữ liệu không hợp lệ' },
  'relay.modbus.exception.4': { en: 'slave device failure', vi: 'thiết bị bị lỗi' },
  'relay.modbus.exception.5': { en: 'acknowledged, still working', vi: 'đã nhận lệnh, đang xử lý' },
  'relay.modbus.exception.6': { en: 'device busy', vi: 'thiết bị đang bận' },
  'relay.modbus.exception.8': { en: 'memory parity error', vi: 'lỗi chẵn lẻ bộ nhớ' },
  'relay.modbus.exception.10': { en: 'gateway path unavailable', vi: 'không có đường qua cổng nối' },
  'relay.modbus.exception.11': { en: 'gateway target did not respond', vi: 'thiết bị sau cổng nối không trả lời' },
  'relay.modbus.exception.unknown': { en: 'unknown exception code', vi: 'mã ngoại lệ không rõ' },
  'relay.driver.unknown': {
    en: 'relay board "{board}": unknown driver "{driver}" (known: {known})',
    vi: 'bảng rơ-le "{board}": không có trình điều khiển "{driver}" (có: {known})',
  },
  'relay.channel.invalid': {
    en: 'relay board "{board}": channel {channel} is out of range for driver {driver} (1–{max})',
    vi: 'bảng rơ-le "{board}": kênh {channel} nằm ngoài phạm vi của trình điều khiển {driver} (1–{max})',
  },
  // Zones
  'relay.zone.unknown': {
    en: 'unknown zone "{zone}" (zones in this schedule: {known})',
    vi: 'không có vùng loa "{zone}" (các vùng trong lịch phát: {known})',
  },
  'relay.zone.noBoard': {
    en: 'zone "{zone}" uses relay board "{board}", which is not in `relays`',
    vi: 'vùng loa "{zone}" dùng bảng rơ-le "{board}", nhưng bảng này không có trong `relays`',
  },
  'relay.zone.mismatch': {
    en: 'zone "{zone}": relay board "{board}" on {port}, channel {channel} reads back {actual} after being switched {wanted}',
    vi: 'vùng loa "{zone}": bảng rơ-le "{board}" trên {port}, kênh {channel} đọc lại là {actual} sau khi đã bật/tắt thành {wanted}',
  },
  'relay.noZones': { en: 'this schedule has no zones', vi: 'lịch phát này không có vùng loa nào' },
  // States, as a person reads them in tables and lines
  'relay.state.on': { en: 'on', vi: 'bật' },
  'relay.state.off': { en: 'off', vi: 'tắt' },
  'relay.state.unknown': { en: 'unknown', vi: 'không rõ' },
  'relay.confirm.on': { en: 'on (confirmed by read-back)', vi: 'bật (đã đọc lại xác nhận)' },
  'relay.confirm.off': { en: 'off (confirmed by read-back)', vi: 'tắt (đã đọc lại xác nhận)' },
  'relay.confirm.unconfirmed': { en: 'unconfirmed (this board cannot report its state)', vi: 'chưa xác nhận (bảng này không báo được trạng thái)' },
  'relay.confirm.mismatch': { en: 'MISMATCH', vi: 'KHÔNG KHỚP' },
  'relay.confirm.fault': { en: 'FAULT', vi: 'LỖI' },
  'relay.amplifier': { en: 'amplifier', vi: 'âm ly' },
  // Commands
  'relay.cmd.description': { en: 'loudspeaker zones and their relay boards', vi: 'vùng loa và bảng rơ-le' },
  'relay.cmd.list': { en: 'list relay boards, ports, zones and channels', vi: 'liệt kê bảng rơ-le, cổng, vùng loa và kênh' },
  'relay.cmd.test': {
    en: 'walk each zone: switch on, confirm, pause so you can hear it, switch off',
    vi: 'thử lần lượt từng vùng: bật, xác nhận, dừng để nghe, tắt',
  },
  'relay.cmd.on': { en: 'switch zones on (amplifier last)', vi: 'bật vùng loa (âm ly bật sau cùng)' },
  'relay.cmd.off': { en: 'switch zones off (amplifier first)', vi: 'tắt vùng loa (âm ly tắt trước)' },
  'relay.cmd.status': { en: 'show the state of every zone relay', vi: 'xem trạng thái rơ-le của từng vùng loa' },
  'relay.arg.schedule': { en: 'schedule file (YAML)', vi: 'tệp lịch phát (YAML)' },
  'relay.arg.zones': { en: 'zone ids, or "all"', vi: 'mã vùng loa, hoặc "all" (tất cả)' },
  'relay.opt.zone': { en: 'test only this zone (repeatable)', vi: 'chỉ thử vùng này (có thể lặp lại)' },
  'relay.opt.pause': { en: 'how long each zone stays on, e.g. 2s, 500ms', vi: 'thời gian mỗi vùng được bật, ví dụ 2s, 500ms' },
  'relay.list.boards': { en: 'Relay boards', vi: 'Bảng rơ-le' },
  'relay.list.zones': { en: 'Zones', vi: 'Vùng loa' },
  'relay.list.attached': { en: 'Serial adapters attached', vi: 'Bộ chuyển đổi nối tiếp đang cắm' },
  'relay.list.attachedNone': { en: '(none found)', vi: '(không tìm thấy)' },
  'relay.list.attachedUnavailable': {
    en: '(cannot list adapters here: {reason}; the port paths above come from the schedule)',
    vi: '(không liệt kê được bộ chuyển đổi: {reason}; đường dẫn cổng ở trên lấy từ lịch phát)',
  },
  'relay.col.board': { en: 'board', vi: 'bảng' },
  'relay.col.driver': { en: 'driver', vi: 'trình điều khiển' },
  'relay.col.port': { en: 'port', vi: 'cổng' },
  'relay.col.baud': { en: 'baud', vi: 'tốc độ' },
  'relay.col.address': { en: 'address', vi: 'địa chỉ' },
  'relay.col.exists': { en: 'present', vi: 'có mặt' },
  'relay.col.zone': { en: 'zone', vi: 'vùng' },
  'relay.col.name': { en: 'name', vi: 'tên' },
  'relay.col.channel': { en: 'channel', vi: 'kênh' },
  'relay.col.state': { en: 'state', vi: 'trạng thái' },
  'relay.col.confirmed': { en: 'checked', vi: 'kiểm tra' },
  'relay.yes': { en: 'yes', vi: 'có' },
  'relay.no': { en: 'no', vi: 'không' },
  'relay.status.readBack': { en: 'read back', vi: 'đã đọc lại' },
  'relay.status.tracked': { en: 'not confirmed (board cannot report)', vi: 'chưa xác nhận (bảng không báo được)' },
  'relay.line.switched': {
    en: '{zone} ({name}) — board {board} channel {channel}: {result}',
    vi: '{zone} ({name}) — bảng {board} kênh {channel}: {result}',
  },
  'relay.line.amplifier': {
    en: 'amplifier — board {board} channel {channel}: {result}',
    vi: 'âm ly — bảng {board} kênh {channel}: {result}',
  },
  'relay.test.start': {
    en: 'Testing {count} zone(s), {pause} each. Listen at each loudspeaker cluster.',
    vi: 'Thử {count} vùng loa, mỗi vùng {pause}. Hãy nghe ở từng cụm loa.',
  },
  'relay.test.zone': { en: 'zone {zone} ({name}): on → {on}; off → {off}', vi: 'vùng {zone} ({name}): bật → {on}; tắt → {off}' },
  'relay.test.done': { en: 'Test finished: {ok} zone(s) fine, {failed} with faults.', vi: 'Đã thử xong: {ok} vùng tốt, {failed} vùng có lỗi.' },
  'relay.faults': { en: '{count} relay fault(s); the relays are left off where they could be switched', vi: '{count} lỗi rơ-le; các rơ-le điều khiển được đã được để ở trạng thái tắt' },
  'relay.faultsOn': { en: '{count} relay fault(s) while switching', vi: '{count} lỗi rơ-le khi bật/tắt' },
} satisfies Catalogue;
