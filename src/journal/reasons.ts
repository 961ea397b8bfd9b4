import { hasMessage, t, type Lang, type Params } from '../i18n/index.js';

/**
 * Why a slot fell short: the daemon writes these into `slot.result` reasons as English text
 * (the record, as it has always been written), and reports read them back — code and
 * values — to show them in the reader's language. One table for both sides, so a reason the
 * daemon writes is always one a report can translate.
 */

export const SLOT_REASONS = {
  'relay-fault': 'relay fault: {detail}',
  crashed: 'daemon stopped without closing the slot (crash or power loss); last sign of life {at}, up to {seconds} s may have aired',
  overwritten: 'overwritten by {slot} at {at}',
  queued: 'queued after {slot} ({seconds} s late)',
  'joined-too-late': 'joined too late to air',
  'joined-late': 'joined late at {at} ({seconds} s after the start)',
  'bulletin-no-audio': 'bulletin {bulletin} has no audio file (text only), not aired',
  'bulletin-skipped': 'bulletin {bulletin} skipped: its time had passed when the slot was joined',
  'carried-bulletin': 'carried {priority} bulletin {bulletin} queued by {user}',
  'audio-failed': 'audio failed: {detail}',
  'audio-restarted': 'audio restarted ({detail}), gap {ms} ms',
  'feed-lost-because': 'feed lost: {detail}',
  'dead-air-on-feed': 'dead air on the feed',
  'relay-outage': 'relay outage on {board} ({zones}): {detail}',
  'never-on-air': 'never went on air',
  'fallback-aired': 'fallback aired for {seconds} s',
  'dead-air-for': 'dead air for {seconds} s',
  'aired-of': 'aired {aired} s of {required} s',
  preempted: 'pre-empted by emergency bulletin {bulletin} ({user}) at {at}',
  'resumed-after-emergency': 'resumed after the emergency at {at}',
  'station-stopped': 'station stopped ({detail}) at {at}',
} as const;

export type SlotReasonCode = keyof typeof SLOT_REASONS;

/**
 * The `{detail}` of a reason, and a feed loss's or an audio restart's own reason, as the audio
 * side and the daemon write them (audio/pcm.ts, audio/broadcast.ts, engine/daemon.ts): read back
 * the same way, so an inspector reading Vietnamese does not get "stalled" or "not connected".
 * What ffmpeg itself said (after `exit N:`) stays as ffmpeg wrote it.
 */
export const REASON_DETAILS = {
  stalled: 'stalled',
  'not-connected': 'not connected',
  killed: 'killed by {signal}',
  exited: 'exit {code}: {detail}',
  'feed-decoder': 'feed decoder: {detail}',
  mixer: 'mixer: {detail}',
  'for-elapsed': '--for {seconds}s elapsed',
  internal: 'internal error: {detail}',
} as const;

export type ReasonDetailCode = keyof typeof REASON_DETAILS;

/** The English text of a reason, as the journal keeps it. */
export function slotReason(code: SlotReasonCode, values: Record<string, string | number> = {}): string {
  return SLOT_REASONS[code].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
}

function patternsOf<C extends string>(table: Record<C, string>): Array<{ code: C; names: string[]; re: RegExp }> {
  return (Object.entries(table) as Array<[C, string]>).map(([code, template]) => {
    const names: string[] = [];
    const source = template
      .split(/(\{\w+\})/)
      .map((part) => {
        const m = /^\{(\w+)\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1]!);
        return '([\\s\\S]+?)';
      })
      .join('');
    return { code, names, re: new RegExp(`^${source}$`) };
  });
}

function parseWith<C extends string>(patterns: Array<{ code: C; names: string[]; re: RegExp }>, text: string): { code: C; values: Record<string, string> } | null {
  for (const p of patterns) {
    const m = p.re.exec(text);
    if (!m) continue;
    const values: Record<string, string> = {};
    p.names.forEach((name, i) => (values[name] = m[i + 1]!));
    return { code: p.code, values };
  }
  return null;
}

const PATTERNS = patternsOf<SlotReasonCode>(SLOT_REASONS);
const DETAIL_PATTERNS = patternsOf<ReasonDetailCode>(REASON_DETAILS);

/** A reason's code and values read back from its text; null for a text of no known form (shown as it stands). */
export function parseSlotReason(text: string): { code: SlotReasonCode; values: Record<string, string> } | null {
  return parseWith(PATTERNS, text);
}

/** A detail's code and values read back from its text (REASON_DETAILS); null for any other text. */
export function parseReasonDetail(text: string): { code: ReasonDetailCode; values: Record<string, string> } | null {
  return parseWith(DETAIL_PATTERNS, text);
}

/** A detail as a person reads it, in `lang`: a known one translated (nested ones too: each is shorter than the text holding it), any other as it stands. */
export function reasonDetailText(text: string, lang?: Lang): string {
  const known = parseReasonDetail(text);
  if (!known) return text;
  const values: Record<string, string> = { ...known.values };
  if (values.detail !== undefined) values.detail = reasonDetailText(values.detail, lang);
  return t(`journal.reasonDetail.${known.code}`, values, lang);
}

/** A reason as a person reads it, in `lang`: a known one translated (times as date and clock), any other as it stands. */
export function slotReasonText(text: string, lang?: Lang): string {
  const known = parseSlotReason(text);
  if (!known) return text;
  const values: Record<string, string> = {};
  for (const [name, v] of Object.entries(known.values)) {
    values[name] = name === 'detail' ? reasonDetailText(v, lang) : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(v) ? `${v.slice(0, 10)} ${v.slice(11, 19)}` : v;
  }
  return t(`journal.slotReason.${known.code}`, values, lang);
}

/**
 * A reason journalled with its catalogue sentence's key beside the English text (relay
 * outages since 2026-11-23), in `lang`; null when there is no key or this catalogue does not
 * know it (an older or a newer daemon's), and the caller reads the text instead.
 */
export function keyedReasonText(key: string | undefined, params: Params | undefined, lang?: Lang): string | null {
  return key && hasMessage(key) ? t(key, params ?? {}, lang) : null;
}
