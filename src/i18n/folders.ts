/**
 * Making the folders a person names (a station folder, a journal's, a store's, a recordings
 * folder): here beside the errors every concern reports, because every concern makes them.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * mkdirSync(dir, { recursive: true, mode }) without its hang: in Node 20 that never returns
 * where a folder exists but cannot hold new ones (under /proc, mkdir answers ENOENT and the
 * parent EEXIST, and Node's walk goes back and forth for ever). The missing folders are made
 * one at a time from the outermost, so such a path fails at once with the system's own error;
 * otherwise the same errors as the recursive call (EEXIST where a file stands at `dir`, ENOENT
 * at or behind a dangling link, ENOTDIR under a file, EACCES…).
 */
export function makeFolders(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let p = resolve(dir); !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p, { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  // Something other than a folder at `dir`: the error the recursive call gives.
  const made = statSync(dir, { throwIfNoEntry: false });
  if (!made) statSync(dir); // a dangling link: ENOENT
  else if (!made.isDirectory()) mkdirSync(dir, { mode }); // a file: EEXIST
}
