/**
 * Numato USB relay commands: ASCII lines ending in `\r`. The board echoes the command,
 * then its reply (if any), then a `>` prompt. Relay index = channel − 1; indexes 10
 * and up are written as letters A…V.
 */

export const NUMATO_PROMPT = '>';

/** Relay index (0-based) as the board spells it: 0–9, then A–V. */
export function numatoIndex(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 31) throw new RangeError(`relay index ${index} out of range 0–31`);
  return index < 10 ? String(index) : String.fromCharCode(65 + index - 10);
}

export function parseNumatoIndex(text: string): number | null {
  if (/^[0-9]$/.test(text)) return Number(text);
  if (/^[A-V]$/i.test(text)) return text.toUpperCase().charCodeAt(0) - 65 + 10;
  return null;
}

export const numatoCommand = {
  on: (index: number) => `relay on ${numatoIndex(index)}\r`,
  off: (index: number) => `relay off ${numatoIndex(index)}\r`,
  read: (index: number) => `relay read ${numatoIndex(index)}\r`,
  readAll: () => 'relay readall\r',
  /** Mask as hex, one bit per relay, lowest relay = lowest bit; width in hex digits. */
  writeAll: (mask: number, digits: number) => `relay writeall ${mask.toString(16).padStart(digits, '0')}\r`,
  version: () => 'ver\r',
};

export type NumatoReplyCheck =
  | { kind: 'incomplete' }
  | { kind: 'reply'; text: string; length: number }
  | { kind: 'garbage' };

/**
 * Split a reply once the prompt arrives: strip the echoed command and line breaks,
 * keep what the board said in between (empty for on/off/writeall).
 */
export function checkNumatoReply(command: string, received: string): NumatoReplyCheck {
  const end = received.indexOf(NUMATO_PROMPT);
  if (end < 0) return received.length > 512 ? { kind: 'garbage' } : { kind: 'incomplete' };
  const echo = command.replace(/\r$/, '');
  const body = received.slice(0, end).replace(/^[\r\n]+/, '');
  if (!body.startsWith(echo)) return { kind: 'garbage' };
  const text = body.slice(echo.length).replace(/[\r\n]+/g, '\n').trim();
  return { kind: 'reply', text, length: end + 1 };
}

/** `relay read N` answers `on` or `off`. */
export function parseRelayRead(text: string): boolean | null {
  if (text === 'on') return true;
  if (text === 'off') return false;
  return null;
}

/** `relay readall` answers a hex mask. */
export function parseReadAll(text: string): number | null {
  return /^[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : null;
}
