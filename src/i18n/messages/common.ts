import type { Catalogue } from '../catalogue.js';

// Messages used across the CLI. Each concern keeps its own file beside this one.
export const common = {
  'cli.description': {
    en: 'loaxa — broadcast scheduler for commune radio loudspeaker networks',
    vi: 'loaxa — lập lịch phát thanh cho hệ thống loa truyền thanh cấp xã',
  },
  'cli.opt.lang': { en: 'language of messages: vi or en (default from LANG)', vi: 'ngôn ngữ thông báo: vi hoặc en (mặc định theo LANG)' },
  'cli.opt.version': { en: 'print the version', vi: 'in phiên bản' },
  'cli.opt.help': { en: 'show help for a command', vi: 'xem hướng dẫn của lệnh' },
  'cli.help.command': { en: 'show help for a command', vi: 'xem hướng dẫn của lệnh' },
  'cli.usage.error': { en: 'usage error: {detail}', vi: 'dùng lệnh sai: {detail}' },
  'cli.usage.unknownCommand': { en: "unknown command '{name}'", vi: "không có lệnh '{name}'" },
  'cli.usage.unknownOption': { en: "unknown option '{name}'", vi: "không có tùy chọn '{name}'" },
  'cli.usage.missingArgument': { en: "missing required argument '{name}'", vi: "thiếu tham số bắt buộc '{name}'" },
  'cli.usage.optionMissingArgument': { en: "option '{name}' needs a value", vi: "tùy chọn '{name}' cần một giá trị" },
  'cli.usage.missingMandatoryOptionValue': { en: "required option '{name}' not given", vi: "thiếu tùy chọn bắt buộc '{name}'" },
  'cli.usage.excessArguments': { en: 'too many arguments', vi: 'thừa tham số' },
  'cli.usage.invalidArgument': { en: "invalid value for '{name}'", vi: "giá trị không hợp lệ cho '{name}'" },
  'cli.usage.hint': { en: 'Run `loaxa --help` for the list of commands.', vi: 'Chạy `loaxa --help` để xem danh sách lệnh.' },
  'cli.lang.invalid': { en: 'unknown language "{lang}": use vi or en', vi: 'không có ngôn ngữ "{lang}": dùng vi hoặc en' },
  'cli.internal': {
    en: 'internal error: {detail} (please report it; run with LOAXA_DEBUG=1 for details)',
    vi: 'lỗi nội bộ: {detail} (vui lòng báo lỗi; chạy với LOAXA_DEBUG=1 để xem chi tiết)',
  },
  'cli.file.missing': { en: '{file}: file not found', vi: '{file}: không tìm thấy tệp' },
  'cli.file.unreadable': { en: '{file}: cannot read file ({reason})', vi: '{file}: không đọc được tệp ({reason})' },
  'cli.date.invalid': { en: 'invalid date "{value}": use YYYY-MM-DD', vi: 'ngày không hợp lệ "{value}": dùng dạng YYYY-MM-DD' },
  'cli.range.reversed': { en: 'dates the wrong way round: {from} is after {to}', vi: 'ngày bị ngược: {from} sau {to}' },
  'cli.duration.invalid': { en: 'invalid duration "{value}": use e.g. 45s, 30m, 1h30m', vi: 'thời lượng không hợp lệ "{value}": dùng ví dụ 45s, 30m, 1h30m' },
  'cli.interrupted': { en: 'interrupted', vi: 'đã dừng theo yêu cầu' },
} satisfies Catalogue;
