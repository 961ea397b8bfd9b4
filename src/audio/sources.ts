/**
 * What may be aired: the protocol whitelist for feed URLs (also applied inside HLS
 * playlists) and how each kind of source is turned into a decoder command line.
 */
import { EXIT, LoaxaError } from '../i18n/index.js';
import { command, argsOf } from './ffmpeg.js';

const ALLOWED = new Set(['http:', 'https:']);
/** ffmpeg's own whitelist, a second fence in case a playlist changes after our check. */
export const FFMPEG_PROTOCOLS = 'http,https,tcp,tls,crypto,httpproxy';

/** Synchronous part of the check: the URL itself. Throws LoaxaError (exit 1). */
export function checkSourceUrlSyntax(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LoaxaError('audio.url.invalid', { url }, EXIT.INVALID);
  }
  if (!ALLOWED.has(parsed.protocol)) {
    throw new LoaxaError('audio.url.protocol', { url, protocol: parsed.protocol.replace(/:$/, '') }, EXIT.INVALID);
  }
  // ffmpeg treats `concat:`/`subfile:` prefixes and `|` lists specially; refuse them anywhere.
  if (/(^|[/|])(concat|subfile|file|data|pipe|fd|crypto\+file):/i.test(url.slice(parsed.protocol.length + 2))) {
    throw new LoaxaError('audio.url.nested', { url }, EXIT.INVALID);
  }
  return parsed;
}

const isPlaylistUrl = (u: URL) => /\.(m3u8?|pls)$/i.test(u.pathname);
const isPlaylistType = (ct: string) => /mpegurl|x-scpls/i.test(ct);

/**
 * Full check: the URL, and when it is (or serves) an HLS/M3U playlist, every URI inside it
 * (segments, variant playlists, keys, init maps), recursively. Throws LoaxaError exit 1.
 */
export async function checkSourceUrl(url: string, opts: { timeoutMs?: number; depth?: number } = {}): Promise<void> {
  const parsed = checkSourceUrlSyntax(url);
  const depth = opts.depth ?? 0;
  if (depth > 3) return;
  let text: string | null = null;
  let looksLikePlaylist = isPlaylistUrl(parsed);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 5000);
  try {
    const res = await fetch(parsed, { signal: controller.signal, redirect: 'follow' });
    const ct = res.headers.get('content-type') ?? '';
    if (res.url && res.url !== parsed.href) checkSourceUrlSyntax(res.url);
    looksLikePlaylist ||= isPlaylistType(ct);
    if (looksLikePlaylist) text = await res.text();
    else await res.body?.cancel();
  } catch (e) {
    if (e instanceof LoaxaError) throw e;
    // Unreachable is not a protocol problem: probing and supervision report it.
    if (!looksLikePlaylist) return;
    throw new LoaxaError('audio.url.playlistUnreadable', { url }, EXIT.INVALID);
  } finally {
    clearTimeout(timer);
  }
  if (text === null) return;
  for (const ref of playlistReferences(text)) {
    // ffmpeg reads `proto:` / `proto,opts,:` prefixes itself: anything before a colon that is
    // not http(s) is refused even when WHATWG URL parsing would call it a relative path.
    if (/^[^/?#]*:/.test(ref) && !/^https?:/i.test(ref)) {
      throw new LoaxaError('audio.url.playlistEntry', { url, entry: ref }, EXIT.INVALID);
    }
    let target: URL;
    try {
      target = new URL(ref, parsed);
    } catch {
      throw new LoaxaError('audio.url.playlistEntry', { url, entry: ref }, EXIT.INVALID);
    }
    if (!ALLOWED.has(target.protocol)) {
      throw new LoaxaError('audio.url.playlistEntry', { url, entry: ref }, EXIT.INVALID);
    }
    if (/\.(m3u8?)$/i.test(target.pathname)) await checkSourceUrl(target.href, { ...opts, depth: depth + 1 });
  }
}

/** Every URI a playlist makes the player open: plain lines, and URI="…" attributes. */
export function playlistReferences(text: string): string[] {
  const refs: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      for (const m of line.matchAll(/URI="([^"]*)"/g)) refs.push(m[1]!);
      continue;
    }
    // PLS files: File1=http://…
    const pls = /^File\d+=(.*)$/i.exec(line);
    if (pls) refs.push(pls[1]!.trim());
    else if (!/^\[playlist\]$|^(Title|Length)\d+=|^NumberOfEntries=|^Version=/i.test(line)) refs.push(line);
  }
  return refs;
}

/** A source as the audio concern sees it. */
export type SourceSpec =
  | { kind: 'url'; url: string }
  | { kind: 'device'; device: string }
  | { kind: 'file'; file: string; loop?: boolean };

/** `alsa:hw:1,0` → ALSA device `hw:1,0`. */
export function alsaDevice(spec: string): string {
  return spec.replace(/^alsa:/, '') || 'default';
}

/**
 * Decoder command line: source → raw PCM s16le 48 kHz stereo on stdout. Live URLs probe
 * only a few KB so the first samples arrive in ~100 ms rather than ~5 s, and reconnect by
 * themselves; `rw_timeout` turns a stalled connection into an exit the supervisor sees.
 */
export function decoderArgs(src: SourceSpec, opts: { seekMs?: number } = {}): string[] {
  const cmd = command();
  if (src.kind === 'url') {
    cmd.input(src.url).inputOptions([
      '-protocol_whitelist', FFMPEG_PROTOCOLS,
      '-reconnect', '1',
      '-reconnect_streamed', '1',
      '-reconnect_on_network_error', '1',
      '-reconnect_delay_max', '2',
      '-rw_timeout', '5000000',
      '-probesize', '4096',
      '-analyzeduration', '0',
      '-fflags', '+nobuffer',
    ]);
  } else if (src.kind === 'device') {
    cmd.input(alsaDevice(src.device)).inputOptions(['-f', 'alsa']);
  } else {
    const opt = src.loop ? ['-stream_loop', '-1'] : [];
    if (opts.seekMs) opt.push('-ss', (opts.seekMs / 1000).toFixed(3));
    cmd.input(src.file).inputOptions(opt);
  }
  cmd.output('pipe:1').noVideo().audioCodec('pcm_s16le').audioFrequency(48_000).audioChannels(2).format('s16le');
  return argsOf(cmd);
}
