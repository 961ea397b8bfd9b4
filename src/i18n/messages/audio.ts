import type { Catalogue } from '../catalogue.js';

// Sentences of the audio concern (src/audio/ and its CLI commands).
export const audio = {
  // Source whitelist
  'audio.url.invalid': { en: '"{url}" is not a valid URL', vi: '"{url}" không phải là địa chỉ URL hợp lệ' },
  'audio.url.protocol': {
    en: '"{url}": protocol "{protocol}" is not allowed for a feed; use http:// or https:// (or a device / file in the schedule)',
    vi: '"{url}": giao thức "{protocol}" không được phép cho nguồn tiếp sóng; dùng http:// hoặc https:// (hoặc thiết bị / tệp trong lịch)',
  },
  'audio.url.nested': {
    en: '"{url}": the URL hides another protocol (file:, concat:, subfile:, data: …) and is refused',
    vi: '"{url}": địa chỉ chứa giao thức khác ẩn bên trong (file:, concat:, subfile:, data: …) nên bị từ chối',
  },
  'audio.url.playlistUnreadable': { en: '"{url}": the playlist cannot be read', vi: '"{url}": không đọc được danh sách phát (playlist)' },
  'audio.url.playlistEntry': {
    en: '"{url}": the playlist points at "{entry}", which is not an http(s) address; refused',
    vi: '"{url}": danh sách phát trỏ tới "{entry}", không phải địa chỉ http(s); bị từ chối',
  },
  // Media
  'audio.media.missing': { en: '{file}: audio file not found', vi: '{file}: không tìm thấy tệp âm thanh' },
  'audio.media.notAudio': { en: '{file}: not a readable audio file ({detail})', vi: '{file}: không phải tệp âm thanh đọc được ({detail})' },
  'audio.media.silent': { en: '{file}: the recording is silent', vi: '{file}: bản ghi không có tiếng' },
  'audio.mixer.failed': { en: 'the audio output could not start: {detail}', vi: 'không khởi động được đầu ra âm thanh: {detail}' },
  'audio.recording.failed': { en: '{file}: the off-air recording could not be saved ({detail})', vi: '{file}: không lưu được bản ghi phát sóng ({detail})' },
  'audio.render.failed': { en: '{file}: rendering failed ({detail})', vi: '{file}: không kết xuất được âm thanh ({detail})' },
  // Feed check
  'audio.probe.unreachable': { en: 'feed unreachable {detail}', vi: 'không kết nối được nguồn {detail}' },
  'audio.probe.noAudio': { en: 'the feed carries no audio {detail}', vi: 'nguồn không có âm thanh {detail}' },
  'audio.probe.silent': { en: 'the feed is silent (below −40 dBFS)', vi: 'nguồn im lặng (dưới −40 dBFS)' },
  'audio.check.connecting': { en: 'Connecting to {url}…', vi: 'Đang kết nối tới {url}…' },
  'audio.check.sampling': { en: 'Listening to {seconds} s of the feed…', vi: 'Đang nghe thử {seconds} giây của nguồn…' },
  'audio.check.source': { en: 'Source', vi: 'Nguồn' },
  'audio.check.reachable': { en: 'Reachable', vi: 'Kết nối được' },
  'audio.check.codec': { en: 'Codec', vi: 'Mã hóa' },
  'audio.check.sampleRate': { en: 'Sample rate', vi: 'Tần số lấy mẫu' },
  'audio.check.bitrate': { en: 'Bitrate', vi: 'Tốc độ bit' },
  'audio.check.channels': { en: 'Channels', vi: 'Số kênh' },
  'audio.check.loudness': { en: 'Loudness', vi: 'Độ lớn' },
  'audio.check.silence': { en: 'Silence', vi: 'Im lặng' },
  'audio.check.silenceValue': { en: '{silent} s of {total} s', vi: '{silent} giây trên {total} giây' },
  'audio.check.verdict': { en: 'Verdict', vi: 'Kết luận' },
  'audio.check.usable': { en: 'usable', vi: 'dùng được' },
  'audio.check.unusable': { en: 'NOT usable: {reason}', vi: 'KHÔNG dùng được: {reason}' },
  'audio.check.yes': { en: 'yes', vi: 'có' },
  'audio.check.no': { en: 'no', vi: 'không' },
  'audio.check.unknown': { en: 'unknown', vi: 'không rõ' },
  'audio.check.noSource': {
    en: 'source "{source}" is not in the schedule (known: {known})',
    vi: 'nguồn "{source}" không có trong lịch (các nguồn: {known})',
  },
  'audio.check.noUrl': { en: 'source "{source}" has no url or device to check', vi: 'nguồn "{source}" không có url hay thiết bị để kiểm tra' },
  // Commands
  'audio.cmd.feed': { en: 'check relayed feeds', vi: 'kiểm tra nguồn tiếp sóng' },
  'audio.cmd.feedCheck': {
    en: 'check a source of the schedule (or a URL): reachable, format, loudness, silence',
    vi: 'kiểm tra một nguồn trong lịch (hoặc một URL): kết nối, định dạng, độ lớn, im lặng',
  },
  'audio.opt.seconds': { en: 'length of the listening sample in seconds (default 10)', vi: 'độ dài đoạn nghe thử, tính bằng giây (mặc định 10)' },
  'audio.cmd.play': {
    en: 'play a bulletin (id or file) now on the speakers, or render it to a file with --out',
    vi: 'phát ngay một bản tin (mã hoặc tệp) ra loa, hoặc kết xuất ra tệp với --out',
  },
  'audio.opt.zones': { en: 'zones to switch on (comma-separated; default all)', vi: 'các cụm loa cần bật (cách nhau bởi dấu phẩy; mặc định tất cả)' },
  'audio.opt.out': { en: 'render to this file instead of the speakers (no relays)', vi: 'kết xuất ra tệp này thay vì phát ra loa (không bật rơ-le)' },
  'audio.opt.user': { en: 'operator name for the journal (default: login name)', vi: 'tên người thao tác ghi vào nhật ký (mặc định: tên đăng nhập)' },
  'audio.cmd.bulletin': { en: 'prepare bulletins', vi: 'chuẩn bị bản tin' },
  'audio.cmd.tts': {
    en: 'speak a text bulletin with espeak-ng into an audio file, normalised to −16 LUFS',
    vi: 'đọc bản tin văn bản bằng espeak-ng thành tệp âm thanh, chuẩn hóa về −16 LUFS',
  },
  'audio.opt.lang': { en: 'language of the text (vi, km, …)', vi: 'ngôn ngữ của văn bản (vi, km, …)' },
  'audio.opt.output': { en: 'output audio file (.wav, .mp3, .ogg, .flac)', vi: 'tệp âm thanh đầu ra (.wav, .mp3, .ogg, .flac)' },
  'audio.play.unknown': {
    en: '"{what}" is neither a bulletin id of the schedule nor an audio file',
    vi: '"{what}" không phải mã bản tin trong lịch, cũng không phải tệp âm thanh',
  },
  'audio.play.text': {
    en: 'bulletin "{id}" is text only: make it an audio file first with `loaxa bulletin tts`',
    vi: 'bản tin "{id}" chỉ có văn bản: hãy tạo tệp âm thanh trước bằng `loaxa bulletin tts`',
  },
  'audio.play.unknownZone': { en: 'zone "{zone}" is not in the schedule (known: {known})', vi: 'cụm loa "{zone}" không có trong lịch (các cụm: {known})' },
  'audio.play.rendered': {
    en: 'Rendered {file} ({seconds} s, SHA-256 {sha256})',
    vi: 'Đã kết xuất {file} ({seconds} giây, SHA-256 {sha256})',
  },
  'audio.play.playing': { en: 'Playing {bulletin} ({seconds} s) on {zones}…', vi: 'Đang phát {bulletin} ({seconds} giây) trên {zones}…' },
  'audio.play.done': { en: 'Played {bulletin}: {seconds} s on air', vi: 'Đã phát {bulletin}: {seconds} giây' },
  'audio.play.noSpeakers': {
    en: 'the schedule has no output device; use --out to render to a file',
    vi: 'lịch không khai báo thiết bị phát (output.device); dùng --out để kết xuất ra tệp',
  },
  'audio.play.recorded': { en: 'Off-air recording: {file}', vi: 'Bản ghi phát sóng: {file}' },
  'audio.tts.missing': {
    en: 'espeak-ng is not installed: install it (apt-get install espeak-ng) or record the bulletin',
    vi: 'chưa cài espeak-ng: hãy cài (apt-get install espeak-ng) hoặc thu âm bản tin',
  },
  'audio.tts.noVoice': {
    en: 'no text-to-speech voice for language "{lang}": please record the bulletin (a phone recording is fine; it will be normalised)',
    vi: 'không có giọng đọc máy cho ngôn ngữ "{lang}": hãy thu âm bản tin (thu bằng điện thoại cũng được; âm lượng sẽ được chuẩn hóa)',
  },
  'audio.tts.failed': { en: 'text-to-speech failed: {detail}', vi: 'đọc văn bản thất bại: {detail}' },
  'audio.tts.done': {
    en: 'Wrote {file} ({seconds} s, voice {voice}, {lufs} LUFS)',
    vi: 'Đã ghi {file} ({seconds} giây, giọng {voice}, {lufs} LUFS)',
  },
  'audio.tts.empty': { en: 'the text is empty', vi: 'văn bản trống' },
} satisfies Catalogue;
