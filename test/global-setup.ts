import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// CLI tests run the real `bin/loaxa`, which runs dist/: compile once before the suite.
// Type errors are reported by `npm run build` / `npm run typecheck`; emit happens regardless.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 && process.env.LOAXA_TEST_VERBOSE) process.stderr.write(r.stdout + r.stderr);
}
