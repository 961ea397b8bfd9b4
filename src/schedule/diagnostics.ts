/** Diagnostics: what is wrong with a schedule, where, in the reader's language. */
import { t, type Lang, type Params } from '../i18n/index.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** The schedule file as the user named it. */
  file: string;
  line: number;
  col: number;
  /** Catalogue key of the message and its parameters. */
  key: string;
  params: Params;
  /** A close spelling to suggest ("did you mean …?"). */
  hint?: string;
}

/** `<file>:<line>:<col>: error: <message>` in the given (or current) language. */
export function renderDiagnostic(d: Diagnostic, lang?: Lang): string {
  const label = t(d.severity === 'error' ? 'schedule.diag.error' : 'schedule.diag.warning', {}, lang);
  const hint = d.hint === undefined ? '' : t('schedule.hint.didYouMean', { hint: d.hint }, lang);
  return `${d.file}:${d.line}:${d.col}: ${label}: ${t(d.key, d.params, lang)}${hint}`;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}
