/**
 * `loaxa demo`: a self-contained live station in a temporary folder.
 */
import { EXIT, LoaxaError } from '../i18n/index.js';

export async function runDemo(o: { seconds: number; keep: boolean; print: (line: string) => void }): Promise<number> {
  void o;
  throw new LoaxaError('engine.demo.failed', { detail: 'not built yet' }, EXIT.FAULT);
}
