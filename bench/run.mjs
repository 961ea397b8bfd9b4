#!/usr/bin/env node
// Runs the benchmarks in bench/*.bench.mjs (or those named on the command line) against
// the compiled dist/, and rewrites each one's section of BENCHMARKS.md between
// <!-- bench:NAME --> and <!-- /bench:NAME --> markers, with the machine and the command.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import os from 'node:os';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace('.bench.mjs', '')))
  .sort();

const target = join(root, 'BENCHMARKS.md');
const HEADER =
  '# Benchmarks\n\nFigures written by `npm run bench` (all) or `npm run bench -- NAME` (one section). ' +
    'Each section names the machine and the command that produced it.\n';
// Read the file again just before writing each section: a long benchmark must not
// overwrite sections that another run wrote in the meantime.
const readDoc = () => (existsSync(target) ? readFileSync(target, 'utf8') : HEADER);

for (const f of files) {
  const name = f.replace('.bench.mjs', '');
  process.stderr.write(`bench ${name}…\n`);
  const mod = await import(pathToFileURL(join(here, f)).href);
  const started = new Date().toISOString();
  const body = await mod.default({ root });
  if (body === null) {
    // A partial run (a benchmark's own switch) printed its figures; the file keeps full runs only.
    process.stderr.write(`bench ${name}: partial run, BENCHMARKS.md not changed\n`);
    continue;
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const section =
    `<!-- bench:${name} -->\n## ${mod.title ?? name}\n\n` +
    `Command: \`npm run bench -- ${name}\` · run ${started} · ${machine}\n\n${body.trim()}\n<!-- /bench:${name} -->`;
  let doc = readDoc();
  const re = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  doc = re.test(doc) ? doc.replace(re, section) : doc.trimEnd() + '\n\n' + section + '\n';
  writeFileSync(target, doc);
  process.stdout.write(section + '\n\n');
}
