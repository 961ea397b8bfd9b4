/** A minimal valid schedule for the scenario station: the audit reads its name, district and province. */
export const SCHEDULE_YAML = `station:
  id: an-thanh-ba
  name: Đài truyền thanh xã An Thạnh Ba
  district: Cù Lao Dung
  province: Sóc Trăng
  timezone: Asia/Ho_Chi_Minh
sources:
  tinh:
    url: http://radio.example.vn/live.mp3
relays:
  tu-loa: { driver: modbus-rtu, port: /dev/ttyUSB0, baud: 9600, address: 1 }
zones:
  ap-1: { relay: tu-loa, channel: 1, name: Ấp An Thường }
  ap-2: { relay: tu-loa, channel: 2, name: Ấp An Hòa }
  cho: { relay: tu-loa, channel: 3, name: Chợ xã }
programs:
  - id: thoi-su-tinh-sang
    title: Tiếp sóng thời sự Đài tỉnh
    source: tinh
    at: "05:30"
    duration: 30m
    days: daily
    zones: all
    required: true
`;
