import type { Catalogue } from '../catalogue.js';

// Sentences of the schedule concern (src/schedule/ and its CLI commands).
export const schedule = {
  // diagnostics frame
  'schedule.invalid': {
    en: '{file}: {count} error(s); the schedule was not loaded',
    vi: '{file}: có {count} lỗi; chưa nạp được lịch phát',
  },
  'schedule.diag.error': { en: 'error', vi: 'lỗi' },
  'schedule.diag.warning': { en: 'warning', vi: 'cảnh báo' },
  'schedule.hint.didYouMean': { en: ' (did you mean "{hint}"?)', vi: ' (có phải ý bạn là "{hint}"?)' },

  // file and YAML
  'schedule.file.tooBig': {
    en: 'the file is {size} bytes; a schedule may be at most {max} bytes (1 MiB)',
    vi: 'tệp có {size} byte; lịch phát tối đa {max} byte (1 MiB)',
  },
  'schedule.yaml.syntax': { en: 'YAML syntax error ({code})', vi: 'lỗi cú pháp YAML ({code})' },
  'schedule.yaml.warning': { en: 'YAML warning ({code})', vi: 'cảnh báo YAML ({code})' },
  'schedule.yaml.BAD_INDENT': { en: 'YAML syntax error: wrong indentation', vi: 'lỗi cú pháp YAML: thụt lề sai' },
  'schedule.yaml.TAB_AS_INDENT': {
    en: 'YAML syntax error: a tab is used to indent; use spaces',
    vi: 'lỗi cú pháp YAML: dùng phím Tab để thụt lề; hãy dùng dấu cách',
  },
  'schedule.yaml.BLOCK_AS_IMPLICIT_KEY': {
    en: 'YAML syntax error: a key must fit on one line (is a ":" missing, or the indentation wrong?)',
    vi: 'lỗi cú pháp YAML: khóa phải nằm trên một dòng (thiếu dấu ":" hay thụt lề sai?)',
  },
  'schedule.yaml.MULTILINE_IMPLICIT_KEY': {
    en: 'YAML syntax error: a key must fit on one line (is a ":" missing, or the indentation wrong?)',
    vi: 'lỗi cú pháp YAML: khóa phải nằm trên một dòng (thiếu dấu ":" hay thụt lề sai?)',
  },
  'schedule.yaml.MISSING_CHAR': {
    en: 'YAML syntax error: a closing bracket, quote or separator is missing',
    vi: 'lỗi cú pháp YAML: thiếu dấu đóng ngoặc, dấu nháy hoặc dấu phân cách',
  },
  'schedule.yaml.UNEXPECTED_TOKEN': { en: 'YAML syntax error: unexpected text here', vi: 'lỗi cú pháp YAML: có nội dung không đúng chỗ' },
  'schedule.yaml.BAD_SCALAR_START': {
    en: 'YAML syntax error: a value cannot start with this character; put it in quotes',
    vi: 'lỗi cú pháp YAML: giá trị không được bắt đầu bằng ký tự này; hãy đặt nó trong dấu nháy',
  },
  'schedule.yaml.MULTIPLE_DOCS': {
    en: 'YAML syntax error: a schedule is one YAML document (remove the "---" line)',
    vi: 'lỗi cú pháp YAML: lịch phát chỉ là một tài liệu YAML (bỏ dòng "---")',
  },
  'schedule.yaml.BAD_DQ_ESCAPE': {
    en: 'YAML syntax error: invalid \\ escape inside "double quotes"',
    vi: 'lỗi cú pháp YAML: ký tự thoát \\ không hợp lệ trong "nháy kép"',
  },
  'schedule.yaml.BLOCK_IN_FLOW': {
    en: 'YAML syntax error: an indented block cannot go inside [ ] or { }',
    vi: 'lỗi cú pháp YAML: không được đặt khối thụt lề bên trong [ ] hoặc { }',
  },
  'schedule.yaml.KEY_OVER_1024_CHARS': { en: 'YAML syntax error: key longer than 1024 characters', vi: 'lỗi cú pháp YAML: khóa dài quá 1024 ký tự' },
  'schedule.yaml.duplicateKey': {
    en: 'duplicate key "{key}" (each id and key may appear only once)',
    vi: 'khóa "{key}" bị lặp (mỗi mã và khóa chỉ được xuất hiện một lần)',
  },
  'schedule.yaml.aliasBomb': {
    en: 'too many YAML aliases ({count}, at most {max} allowed): refusing a file that would expand enormously',
    vi: 'quá nhiều bí danh YAML ({count}, tối đa {max}): từ chối tệp có thể bung ra cực lớn',
  },
  'schedule.yaml.unknownAlias': { en: 'alias "{name}" refers to no anchor', vi: 'bí danh "{name}" không trỏ tới neo nào' },

  // keys and types
  'schedule.key.unknown': { en: 'unknown key "{key}" in {where}', vi: 'khóa "{key}" không hợp lệ trong {where}' },
  'schedule.key.unknownTop': { en: 'unknown top-level key "{key}"', vi: 'khóa cấp ngoài cùng "{key}" không hợp lệ' },
  'schedule.key.missingTop': { en: 'missing required top-level key "{key}"', vi: 'thiếu khóa bắt buộc "{key}" ở cấp ngoài cùng' },
  'schedule.type.topMapping': {
    en: 'a schedule must be a mapping of sections (station:, programs: …)',
    vi: 'lịch phát phải là một bảng các mục (station:, programs: …)',
  },
  'schedule.key.missing': { en: 'missing required key "{key}" in {where}', vi: 'thiếu khóa bắt buộc "{key}" trong {where}' },
  'schedule.key.notText': { en: 'keys in {key} must be plain text', vi: 'khóa trong {key} phải là chữ thường' },
  'schedule.type.mapping': { en: '"{key}" must be a mapping (key: value)', vi: '"{key}" phải là một bảng khóa: giá trị' },
  'schedule.type.list': { en: '"{key}" must be a list', vi: '"{key}" phải là một danh sách' },
  'schedule.type.string': { en: '"{key}" must be non-empty text', vi: '"{key}" phải là chữ, không được để trống' },
  'schedule.type.boolean': { en: '"{key}" must be true or false', vi: '"{key}" phải là true hoặc false' },
  'schedule.type.intRange': {
    en: '"{key}" must be a whole number from {min} to {max}',
    vi: '"{key}" phải là số nguyên từ {min} đến {max}',
  },
  'schedule.type.enum': { en: '"{key}" must be one of: {choices}', vi: '"{key}" phải là một trong: {choices}' },
  'schedule.id.invalid': {
    en: 'id "{id}" in {kind} may contain only letters without accents, digits, "-", "_" and ".", and must start with a letter or digit',
    vi: 'mã "{id}" trong {kind} chỉ được gồm chữ cái không dấu, chữ số, "-", "_", "." và phải bắt đầu bằng chữ cái hoặc chữ số',
  },
  'schedule.id.duplicate': {
    en: 'duplicate program id "{id}" (first defined on line {line})',
    vi: 'mã chương trình "{id}" bị trùng (đã khai báo ở dòng {line})',
  },

  // values
  'schedule.time.invalid': {
    en: '"{key}": invalid time "{value}": use HH:MM or HH:MM:SS from 00:00 to 23:59:59',
    vi: '"{key}": giờ không hợp lệ "{value}": dùng dạng HH:MM hoặc HH:MM:SS từ 00:00 đến 23:59:59',
  },
  'schedule.duration.invalid': {
    en: '"{key}": invalid duration "{value}": use e.g. 45s, 30m, 1h30m',
    vi: '"{key}": thời lượng không hợp lệ "{value}": dùng ví dụ 45s, 30m, 1h30m',
  },
  'schedule.duration.zero': {
    en: '"{key}": duration "{value}" must be greater than zero',
    vi: '"{key}": thời lượng "{value}" phải lớn hơn 0',
  },
  'schedule.duration.tooLong': {
    en: '"{key}": duration "{value}" is longer than 24 hours',
    vi: '"{key}": thời lượng "{value}" dài quá 24 giờ',
  },
  'schedule.date.invalid': {
    en: '"{key}": invalid date "{value}": use YYYY-MM-DD',
    vi: '"{key}": ngày không hợp lệ "{value}": dùng dạng YYYY-MM-DD',
  },
  'schedule.date.reversed': { en: 'dates the wrong way round: {from} is after {to}', vi: 'ngày bị ngược: {from} sau {to}' },
  'schedule.timezone.invalid': {
    en: 'unknown time zone "{value}" (use an IANA name such as Asia/Ho_Chi_Minh)',
    vi: 'múi giờ không hợp lệ "{value}" (dùng tên IANA, ví dụ Asia/Ho_Chi_Minh)',
  },

  // references
  'schedule.ref.zone': { en: 'unknown zone "{id}"', vi: 'không có vùng loa "{id}"' },
  'schedule.ref.source': { en: 'unknown source "{id}"', vi: 'không có nguồn tiếp sóng "{id}"' },
  'schedule.ref.bulletin': { en: 'unknown bulletin "{id}"', vi: 'không có bản tin "{id}"' },
  'schedule.ref.relay': { en: 'unknown relay board "{id}"', vi: 'không có bo rơ-le "{id}"' },
  'schedule.ref.program': { en: 'unknown program "{id}"', vi: 'không có chương trình "{id}"' },
  'schedule.zone.channelTaken': {
    en: 'zone "{zone}": channel {channel} of relay board "{relay}" is already used by "{other}"',
    vi: 'vùng "{zone}": kênh {channel} của bo rơ-le "{relay}" đã được "{other}" dùng',
  },

  // media, sources, output
  'schedule.media.missing': { en: 'media file not found: {path}', vi: 'không tìm thấy tệp âm thanh: {path}' },
  'schedule.media.notFile': { en: '"{path}" is not a file', vi: '"{path}" không phải là tệp' },
  'schedule.media.escapes': {
    en: 'media path "{path}" is outside the station folder {dir}',
    vi: 'đường dẫn "{path}" nằm ngoài thư mục đài {dir}',
  },
  'schedule.source.urlOrDevice': {
    en: 'source "{id}" needs exactly one of "url" or "device"',
    vi: 'nguồn "{id}" cần đúng một trong hai khóa "url" hoặc "device"',
  },
  'schedule.source.protocol': {
    en: 'source URL "{url}": protocol "{protocol}" is not allowed (only http and https)',
    vi: 'địa chỉ nguồn "{url}": giao thức "{protocol}" không được phép (chỉ http và https)',
  },
  'schedule.source.urlInvalid': {
    en: 'source URL "{url}" is not a valid http(s) address',
    vi: 'địa chỉ nguồn "{url}" không phải địa chỉ http(s) hợp lệ',
  },
  'schedule.source.device': {
    en: 'audio device "{value}" must be written alsa:<device>, e.g. alsa:hw:1,0',
    vi: 'thiết bị âm thanh "{value}" phải viết dạng alsa:<thiết bị>, ví dụ alsa:hw:1,0',
  },
  'schedule.output.icecast': {
    en: 'icecast mount "{value}" must look like icecast://source:password@host:8000/mount.mp3',
    vi: 'điểm phát icecast "{value}" phải có dạng icecast://source:matkhau@may:8000/diem.mp3',
  },

  // bulletins
  'schedule.bulletin.fileOrText': {
    en: 'bulletin "{id}" needs exactly one of "file" or "text"',
    vi: 'bản tin "{id}" cần đúng một trong hai khóa "file" hoặc "text"',
  },
  'schedule.bulletin.language': {
    en: 'language "{value}" must be a language code such as vi, km, bru',
    vi: 'ngôn ngữ "{value}" phải là mã ngôn ngữ, ví dụ vi, km, bru',
  },
  'schedule.bulletin.unapproved': {
    en: 'bulletin "{id}" has no approved_by: commune content must be approved before it airs',
    vi: 'bản tin "{id}" chưa có approved_by: nội dung của xã phải được duyệt trước khi phát',
  },

  // programs
  'schedule.program.sourceOrBulletins': {
    en: 'program "{id}" needs exactly one of "source" (a relay) or "bulletins" (a list)',
    vi: 'chương trình "{id}" cần đúng một trong hai khóa "source" (tiếp sóng) hoặc "bulletins" (danh sách bản tin)',
  },
  'schedule.program.noBulletins': {
    en: 'program "{id}": "bulletins" must list at least one bulletin',
    vi: 'chương trình "{id}": "bulletins" phải có ít nhất một bản tin',
  },
  'schedule.program.needsDuration': {
    en: 'program "{id}" needs a "duration": bulletin "{bulletin}" has no declared duration to add up',
    vi: 'chương trình "{id}" cần khóa "duration": bản tin "{bulletin}" chưa khai báo thời lượng để cộng dồn',
  },
  'schedule.days.invalid': {
    en: '"days" must be daily, weekdays, weekends, a list of weekdays (mon … sun) or { cron: "…" }',
    vi: '"days" phải là daily, weekdays, weekends, danh sách thứ (mon … sun) hoặc { cron: "…" }',
  },
  'schedule.days.weekday': {
    en: 'unknown weekday "{value}" (use mon, tue, wed, thu, fri, sat, sun)',
    vi: 'thứ không hợp lệ "{value}" (dùng mon, tue, wed, thu, fri, sat, sun)',
  },
  'schedule.cron.invalid': {
    en: 'invalid cron expression "{expr}": use 5 fields (minute hour day-of-month month day-of-week), e.g. "30 5 * * 1-6"',
    vi: 'biểu thức cron không hợp lệ "{expr}": dùng 5 trường (phút giờ ngày tháng thứ), ví dụ "30 5 * * 1-6"',
  },
  'schedule.cron.bad.second': { en: 'cron expression "{expr}": invalid second "{value}" (0–59)', vi: 'biểu thức cron "{expr}": giây không hợp lệ "{value}" (0–59)' },
  'schedule.cron.bad.minute': { en: 'cron expression "{expr}": invalid minute "{value}" (0–59)', vi: 'biểu thức cron "{expr}": phút không hợp lệ "{value}" (0–59)' },
  'schedule.cron.bad.hour': { en: 'cron expression "{expr}": invalid hour "{value}" (0–23)', vi: 'biểu thức cron "{expr}": giờ không hợp lệ "{value}" (0–23)' },
  'schedule.cron.bad.dayOfMonth': {
    en: 'cron expression "{expr}": invalid day of the month "{value}" (1–31)',
    vi: 'biểu thức cron "{expr}": ngày trong tháng không hợp lệ "{value}" (1–31)',
  },
  'schedule.cron.bad.month': { en: 'cron expression "{expr}": invalid month "{value}" (1–12 or jan–dec)', vi: 'biểu thức cron "{expr}": tháng không hợp lệ "{value}" (1–12 hoặc jan–dec)' },
  'schedule.cron.bad.dayOfWeek': {
    en: 'cron expression "{expr}": invalid day of the week "{value}" (0–7 or sun–sat)',
    vi: 'biểu thức cron "{expr}": thứ trong tuần không hợp lệ "{value}" (0–7 hoặc sun–sat)',
  },
  'schedule.cron.unsupported': {
    en: 'cron expression "{expr}" uses day syntax loaxa cannot expand',
    vi: 'biểu thức cron "{expr}" dùng cú pháp ngày mà loaxa không triển khai được',
  },
  'schedule.cron.manyTimes': {
    en: 'cron expression "{expr}" names several times of day: give one time in the cron or set "at"',
    vi: 'biểu thức cron "{expr}" có nhiều giờ trong ngày: chỉ ghi một giờ trong cron hoặc khai báo "at"',
  },
  'schedule.zones.empty': {
    en: '"zones" must be all or a non-empty list of zone ids',
    vi: '"zones" phải là all hoặc danh sách mã vùng loa (không rỗng)',
  },
  'schedule.zones.none': {
    en: 'program "{id}" has no zones to play on: define "zones" first',
    vi: 'chương trình "{id}" không có vùng loa nào để phát: hãy khai báo "zones" trước',
  },
  'schedule.insert.atOrAfter': {
    en: 'insert of "{bulletin}" needs exactly one of "at" (offset) or "after" (another insert)',
    vi: 'phần chèn "{bulletin}" cần đúng một trong hai khóa "at" (độ lệch) hoặc "after" (sau phần chèn khác)',
  },
  'schedule.insert.after': {
    en: '"after: {after}" names no other insert of program "{program}"',
    vi: '"after: {after}" không trỏ tới phần chèn nào khác của chương trình "{program}"',
  },
  'schedule.insert.cycle': {
    en: 'inserts of program "{program}" follow each other in a loop',
    vi: 'các phần chèn của chương trình "{program}" trỏ "after" vòng tròn lẫn nhau',
  },
  'schedule.insert.outside': {
    en: 'insert of "{bulletin}" ({offset}–{end}) falls outside program "{program}", which lasts {duration}',
    vi: 'phần chèn "{bulletin}" ({offset}–{end}) nằm ngoài chương trình "{program}" (dài {duration})',
  },
  'schedule.insert.estimate': {
    en: 'insert of "{bulletin}" follows "{after}", whose duration is not declared: its time in the plan is an estimate',
    vi: 'phần chèn "{bulletin}" phát sau "{after}", bản tin chưa khai báo thời lượng: giờ trong kế hoạch chỉ là ước tính',
  },
  'schedule.conflict.required': {
    en: 'programs "{a}" and "{b}" both use zone "{zone}" at the same time (first on {date} at {time}), and one of them is required',
    vi: 'chương trình "{a}" và "{b}" cùng dùng vùng "{zone}" một lúc (lần đầu ngày {date} lúc {time}), mà một trong hai là bắt buộc',
  },
  'schedule.conflict.warning': {
    en: 'programs "{a}" and "{b}" both use zone "{zone}" at the same time (first on {date} at {time}); on_conflict decides which airs',
    vi: 'chương trình "{a}" và "{b}" cùng dùng vùng "{zone}" một lúc (lần đầu ngày {date} lúc {time}); on_conflict quyết định phát cái nào',
  },

  // exceptions
  'schedule.exception.form': {
    en: 'an exception needs exactly one of "date", "from" + "to", or "holiday"',
    vi: 'ngoại lệ cần đúng một trong: "date", "from" + "to", hoặc "holiday"',
  },
  'schedule.exception.holiday': {
    en: 'unknown holiday "{value}"; known holidays: {names}',
    vi: 'không có ngày lễ "{value}"; các ngày lễ được biết: {names}',
  },
  'schedule.exception.skip': {
    en: '"skip" must be all or a non-empty list of program ids',
    vi: '"skip" phải là all hoặc danh sách mã chương trình (không rỗng)',
  },

  // policies
  'schedule.policy.pair': {
    en: '"bulletins" and "min_per_day" go together in one policy',
    vi: '"bulletins" và "min_per_day" phải đi cùng nhau trong một quy định',
  },
  'schedule.policy.empty': {
    en: 'a policy needs a rule: bulletins + min_per_day, max_sessions_per_day, max_session_minutes or weekdays_only',
    vi: 'quy định cần ít nhất một điều: bulletins + min_per_day, max_sessions_per_day, max_session_minutes hoặc weekdays_only',
  },
  'schedule.policy.noMatch': {
    en: 'policy pattern "{pattern}" matches no bulletin',
    vi: 'mẫu "{pattern}" của quy định không khớp bản tin nào',
  },
  'schedule.policy.minPerDay': {
    en: 'policy {policy}: bulletins "{pattern}" air fewer than {min} times a day on {days} day(s), first {dates} ({count} time(s) on the first)',
    vi: 'quy định {policy}: bản tin "{pattern}" phát ít hơn {min} lần/ngày trong {days} ngày, đầu tiên {dates} ({count} lần vào ngày đầu)',
  },
  'schedule.policy.maxSessions': {
    en: 'policy {policy}: more than {max} sessions a day on {days} day(s), first {dates} ({count} sessions on the first)',
    vi: 'quy định {policy}: quá {max} buổi phát/ngày trong {days} ngày, đầu tiên {dates} ({count} buổi vào ngày đầu)',
  },
  'schedule.policy.maxMinutes': {
    en: 'policy {policy}: sessions longer than {max} minutes on {days} day(s), first {dates} ({minutes} minutes from {time})',
    vi: 'quy định {policy}: buổi phát dài quá {max} phút trong {days} ngày, đầu tiên {dates} ({minutes} phút từ {time})',
  },
  'schedule.policy.weekdaysOnly': {
    en: 'policy {policy}: broadcasts at the weekend on {days} day(s), first {dates} (program "{program}"), but only weekdays are allowed',
    vi: 'quy định {policy}: có phát vào cuối tuần trong {days} ngày, đầu tiên {dates} (chương trình "{program}"), trong khi chỉ được phát ngày thường',
  },
  // commands
  'schedule.cmd.validate': {
    en: 'check a schedule file: every error with file:line:col, policies over the coming year',
    vi: 'kiểm tra tệp lịch phát: mọi lỗi kèm tệp:dòng:cột, các quy định trong một năm tới',
  },
  'schedule.cmd.plan': {
    en: 'show the plan: every slot with its times, zones, content and inserts',
    vi: 'xem kế hoạch phát: từng lượt phát với giờ, vùng loa, nội dung và phần chèn',
  },
  'schedule.cmd.init': {
    en: 'create a station folder with a commented example schedule and placeholder media',
    vi: 'tạo thư mục đài với lịch phát mẫu có chú thích và tệp âm thanh giữ chỗ',
  },
  'schedule.arg.schedule': { en: 'the station schedule file (YAML)', vi: 'tệp lịch phát của đài (YAML)' },
  'schedule.arg.dir': { en: 'folder to create (default: the current folder)', vi: 'thư mục cần tạo (mặc định: thư mục hiện tại)' },
  'schedule.opt.strict': { en: 'fail (exit 1) on warnings too', vi: 'coi cảnh báo cũng là lỗi (thoát mã 1)' },
  'schedule.opt.date': { en: 'one day, YYYY-MM-DD (default: today)', vi: 'một ngày, YYYY-MM-DD (mặc định: hôm nay)' },
  'schedule.opt.from': { en: 'first day of a range, YYYY-MM-DD', vi: 'ngày đầu của khoảng, YYYY-MM-DD' },
  'schedule.opt.to': { en: 'last day of the range (inclusive), YYYY-MM-DD', vi: 'ngày cuối của khoảng (tính cả ngày đó), YYYY-MM-DD' },
  'schedule.opt.json': { en: 'print a JSON array instead of a table', vi: 'in mảng JSON thay cho bảng' },

  // validate
  'schedule.validate.ok': {
    en: '{file}: valid: {programs} programs, {zones} zones, {slots} slots in the coming week',
    vi: '{file}: hợp lệ: {programs} chương trình, {zones} vùng loa, {slots} lượt phát trong tuần tới',
  },
  'schedule.validate.okWarnings': {
    en: '{file}: valid with {warnings} warning(s): {programs} programs, {zones} zones, {slots} slots in the coming week',
    vi: '{file}: hợp lệ, có {warnings} cảnh báo: {programs} chương trình, {zones} vùng loa, {slots} lượt phát trong tuần tới',
  },
  'schedule.validate.failed': {
    en: '{file}: invalid: {errors} error(s), {warnings} warning(s)',
    vi: '{file}: không hợp lệ: {errors} lỗi, {warnings} cảnh báo',
  },
  'schedule.validate.strictFailed': {
    en: '--strict: {warnings} warning(s) count as failure',
    vi: '--strict: {warnings} cảnh báo được tính là không đạt',
  },

  // plan
  'schedule.plan.dateOrRange': { en: 'give either --date or --from/--to, not both', vi: 'chỉ dùng --date hoặc --from/--to, không dùng cả hai' },
  'schedule.plan.fromTo': { en: '--from and --to go together', vi: '--from và --to phải đi cùng nhau' },
  'schedule.plan.heading': {
    en: '{station}: plan from {from} to {to}, {count} slot(s)',
    vi: '{station}: kế hoạch phát từ {from} đến {to}, {count} lượt',
  },
  'schedule.plan.empty': { en: 'nothing is scheduled in this period', vi: 'không có lượt phát nào trong khoảng này' },
  'schedule.plan.col.start': { en: 'start', vi: 'bắt đầu' },
  'schedule.plan.col.end': { en: 'end', vi: 'kết thúc' },
  'schedule.plan.col.program': { en: 'program', vi: 'chương trình' },
  'schedule.plan.col.zones': { en: 'zones', vi: 'vùng loa' },
  'schedule.plan.col.content': { en: 'content', vi: 'nội dung' },
  'schedule.plan.col.priority': { en: 'priority', vi: 'mức ưu tiên' },
  'schedule.plan.col.required': { en: 'required', vi: 'bắt buộc' },
  'schedule.plan.allZones': { en: 'all', vi: 'tất cả' },
  'schedule.plan.relay': { en: 'relay {source}', vi: 'tiếp sóng {source}' },
  'schedule.plan.yes': { en: 'yes', vi: 'có' },
  'schedule.plan.insert': {
    en: '+ {time} {bulletin} [{language}] {mode}',
    vi: '+ {time} {bulletin} [{language}] {mode}',
  },
  'schedule.plan.estimated': { en: '(estimated time)', vi: '(giờ ước tính)' },
  'schedule.priority.normal': { en: 'normal', vi: 'thông thường' },
  'schedule.priority.priority': { en: 'priority', vi: 'ưu tiên' },
  'schedule.priority.emergency': { en: 'emergency', vi: 'khẩn cấp' },
  'schedule.mode.duck': { en: 'over the feed (duck)', vi: 'phát đè, hạ nhỏ tiếng nền' },
  'schedule.mode.insert': { en: 'feed paused (insert)', vi: 'tạm dừng tiếp sóng để chèn' },

  // init
  'schedule.init.done': {
    en: 'Station folder ready: {dir}\nEdit {file}, then check it with: loaxa validate {file}',
    vi: 'Đã tạo thư mục đài: {dir}\nSửa tệp {file}, rồi kiểm tra bằng: loaxa validate {file}',
  },
  'schedule.init.exists': {
    en: '{file} already exists; nothing was changed',
    vi: '{file} đã có sẵn; không thay đổi gì',
  },
  'schedule.init.failed': { en: 'cannot create the station folder {dir} ({reason})', vi: 'không tạo được thư mục đài {dir} ({reason})' },
  'schedule.init.c.intro': {
    en: 'Broadcast schedule of the commune station. Times are HH:MM in the station time zone; durations 45s, 30m, 1h30m.',
    vi: 'Lịch phát của đài truyền thanh xã. Giờ viết HH:MM theo múi giờ của đài; thời lượng viết 45s, 30m, 1h30m.',
  },
  'schedule.init.c.docs': {
    en: 'Every key is explained in docs/schedule.md. Check the file with: loaxa validate schedule.yaml',
    vi: 'Mọi khóa được giải thích trong docs/schedule.md. Kiểm tra tệp bằng: loaxa validate schedule.yaml',
  },
  'schedule.init.c.station': {
    en: 'The station: id (letters without accents, digits, -), name, district (shown in the district\'s audit; leave it out if none), province.',
    vi: 'Thông tin đài: mã (chữ không dấu, số, dấu -), tên, huyện (hiện trong báo cáo kiểm tra của huyện; bỏ dòng này nếu không có), tỉnh.',
  },
  'schedule.init.c.sources': {
    en: 'Feeds to relay: url (http/https, HLS) or device (ALSA line-in); fallback is aired when the feed fails.',
    vi: 'Nguồn tiếp sóng: url (http/https, HLS) hoặc device (đầu vào ALSA); fallback được phát khi mất sóng.',
  },
  'schedule.init.c.relays': {
    en: 'Relay boards that switch the loudspeaker lines: driver modbus-rtu, lcus or numato.',
    vi: 'Bo rơ-le đóng cắt các tuyến loa: driver là modbus-rtu, lcus hoặc numato.',
  },
  'schedule.init.c.amplifier': {
    en: 'The amplifier power relay: switched on last and off first.',
    vi: 'Rơ-le nguồn tăng âm: bật sau cùng, tắt trước tiên.',
  },
  'schedule.init.c.zones': {
    en: 'Loudspeaker zones: board and channel as printed on the board (from 1).',
    vi: 'Các vùng loa: bo rơ-le và số kênh như in trên bo (bắt đầu từ 1).',
  },
  'schedule.init.c.output': {
    en: 'Sound card, and the folder for off-air recordings (evidence for inspections).',
    vi: 'Card âm thanh, và thư mục lưu bản ghi phát sóng (bằng chứng khi kiểm tra).',
  },
  'schedule.init.c.bulletins': {
    en: 'Commune bulletins: a file or a text, a language code, and who approved it (required).',
    vi: 'Bản tin của xã: tệp âm thanh hoặc văn bản, mã ngôn ngữ, và người duyệt (bắt buộc).',
  },
  'schedule.init.c.programs': {
    en: 'Programs: a relay (source) or bulletins, at a time, on days (daily, weekdays, weekends, [mon, wed], cron).',
    vi: 'Chương trình: tiếp sóng (source) hoặc bản tin, vào giờ (at), theo ngày (daily, weekdays, weekends, [mon, wed], cron).',
  },
  'schedule.init.c.inserts': {
    en: 'Bulletins placed inside the program: at an offset, or after another insert; duck or insert.',
    vi: 'Bản tin chèn vào chương trình: sau một khoảng (at) hoặc sau phần chèn khác (after); duck hoặc insert.',
  },
  'schedule.init.c.repeat': { en: 'Play twice, 30 seconds apart.', vi: 'Phát hai lần, cách nhau 30 giây.' },
  'schedule.init.c.exceptions': {
    en: 'Days off: a date, a range (from/to) or a holiday (tet, gio-to-hung-vuong, quoc-khanh…).',
    vi: 'Ngày nghỉ phát: một ngày, một khoảng ngày (from/to) hoặc ngày lễ (tet, gio-to-hung-vuong, quoc-khanh…).',
  },
  'schedule.init.c.policies': {
    en: 'Rules the schedule is checked against: minimum plays a day, sessions a day, minutes a session.',
    vi: 'Quy định để kiểm tra lịch: số lần phát tối thiểu mỗi ngày, số buổi mỗi ngày, số phút mỗi buổi.',
  },
} satisfies Catalogue;
