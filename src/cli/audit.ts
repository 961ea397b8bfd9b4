import type { Command } from 'commander';
import { EXIT, LoaxaError, t } from '../i18n/index.js';
import { action, err, out, parseDateOption } from './common.js';

/** Commands of the audit concern. Import heavy modules inside actions (start-up speed). */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description(t('audit.cmd'));

  audit
    .command('export')
    .description(t('audit.cmd.export'))
    .requiredOption('--db <journal>', t('audit.opt.db'))
    .requiredOption('--from <date>', t('audit.opt.from'))
    .requiredOption('--to <date>', t('audit.opt.to'))
    .requiredOption('-o, --output <file>', t('audit.opt.bundleOut'))
    .option('--schedule <file>', t('audit.opt.schedule'))
    .action(
      action(async (opts: { db: string; from: string; to: string; output: string; schedule?: string }) => {
        const { from, to } = range(opts.from, opts.to);
        const { exportBundle, lastScheduleFile } = await import('../audit/index.js');
        let info = opts.schedule ? await stationFromSchedule(opts.schedule) : undefined;
        if (!info) {
          // Without --schedule, the name, district and province from the schedule the station last
          // ran, if it is still there, still valid and the same station: the district's tables
          // would otherwise show the commune by its id alone.
          const { file, stationId } = lastScheduleFile(opts.db);
          const guessed = file ? await stationFromSchedule(file).catch(() => undefined) : undefined;
          if (file && guessed && guessed.id === stationId && guessed.name) {
            info = guessed;
            out(t('audit.bundle.infoFrom', { file }));
          }
        }
        const header = exportBundle(opts.db, from, to, opts.output, { info, loaxaVersion: await loaxaVersion() });
        out(t('audit.bundle.written', { file: opts.output, events: header.events, seals: header.seals, from, to, fingerprint: header.fingerprint ?? t('audit.none') }));
      }),
    );

  audit
    .command('verify')
    .description(t('audit.cmd.verify'))
    .argument('[bundles...]', t('audit.arg.bundles'))
    .option('--db <journal>', t('audit.opt.db'))
    .option('--key <key>', t('audit.opt.key'))
    .option('--store <district.db>', t('audit.opt.store'))
    .option('--json', t('audit.opt.json'))
    .action(
      action(async (bundles: string[], opts: { db?: string; key?: string; store?: string; json?: boolean }) => {
        if (!bundles.length && !opts.db) throw new LoaxaError('audit.source.needBundleOrDb', {}, EXIT.USAGE);
        const { readBundle, verifyBundle, verdictLine } = await import('../audit/index.js');
        const journal = await import('../journal/index.js');
        const { existsSync, readFileSync } = await import('node:fs');
        const { basename } = await import('node:path');
        const fingerprintOnly = opts.key && /^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/i.test(opts.key) ? opts.key.toLowerCase() : undefined;
        const givenKey = opts.key && !fingerprintOnly ? (existsSync(opts.key) ? readFileSync(opts.key, 'utf8') : opts.key) : undefined;
        const json: unknown[] = [];
        let failed = 0;
        let badBundles = 0;

        if (opts.db) {
          const result = journal.verifyJournal(opts.db, givenKey ? { publicKey: givenKey } : {});
          let lines = journal.describeVerifyResult(result);
          let ok = result.ok;
          if (ok && fingerprintOnly && result.keyFingerprint !== fingerprintOnly) {
            ok = false;
            lines = [t('audit.verify.badNoSeq', { file: basename(opts.db), reason: t('audit.verify.wrongKey', { fingerprint: result.keyFingerprint ?? t('audit.none'), expected: fingerprintOnly }) })];
          }
          if (!ok) failed++;
          if (opts.json) json.push({ file: opts.db, ok, result });
          else for (const l of lines) (ok ? out : err)(l);
        }

        const store = opts.store ? journal.openDistrictStore(opts.store) : null;
        try {
          for (const file of bundles) {
            let line: string;
            let ok = false;
            let record: Record<string, unknown>;
            try {
              const b = readBundle(file);
              const known = store ? store.keys(b.header.station.id).map((k) => k.publicKey) : [];
              let v = verifyBundle(b, givenKey ? { publicKeys: [givenKey] } : {});
              if (v.ok && fingerprintOnly && v.fingerprint !== fingerprintOnly) {
                v = { ...v, ok: false, failure: { seq: null, reason: t('audit.verify.wrongKey', { fingerprint: v.fingerprint ?? t('audit.none'), expected: fingerprintOnly }) } };
              }
              if (v.ok && store && !(v.publicKey && known.includes(v.publicKey))) {
                v = { ...v, ok: false, failure: { seq: null, reason: t('audit.verify.unknownKey', { fingerprint: v.fingerprint ?? t('audit.none'), station: v.station }) } };
              }
              ok = v.ok;
              line = verdictLine(v);
              const { result: _omit, ...rest } = v;
              record = { ...rest, file };
            } catch (e) {
              if (!(e instanceof LoaxaError)) throw e;
              line = e.render();
              record = { file, ok: false, failure: { seq: null, reason: e.render() } };
            }
            if (!ok) (failed++, badBundles++);
            if (opts.json) json.push(record);
            else (ok ? out : err)(line);
          }
        } finally {
          store?.close();
        }
        if (opts.json) out(JSON.stringify(json, null, 2));
        else if (bundles.length > 1) out(t('audit.verify.summary', { ok: bundles.length - badBundles, total: bundles.length }));
        return failed ? EXIT.INVALID : EXIT.OK;
      }),
    );

  audit
    .command('import')
    .description(t('audit.cmd.import'))
    .argument('<bundles...>', t('audit.arg.bundles'))
    .requiredOption('--store <district.db>', t('audit.opt.store'))
    .option('--trust-new-key', t('audit.opt.trustNewKey'))
    .option('--json', t('audit.opt.json'))
    .action(
      action(async (bundles: string[], opts: { store: string; trustNewKey?: boolean; json?: boolean }) => {
        const { importFiles, outcomeLines } = await import('../audit/index.js');
        const { openDistrictStore } = await import('../journal/index.js');
        const { existsSync, rmSync, rmdirSync } = await import('node:fs');
        const { dirname, resolve } = await import('node:path');
        const spinner = await progress(!opts.json && bundles.length > 1);
        const existed = existsSync(opts.store);
        // The folders the store's path will add (a typo'd path makes them): outermost last.
        const madeFolders: string[] = [];
        for (let d = dirname(resolve(opts.store)); !existsSync(d) && d !== dirname(d); d = dirname(d)) madeFolders.push(d);
        const store = openDistrictStore(opts.store, { create: true });
        let outcomes: Awaited<ReturnType<typeof importFiles>> = [];
        try {
          // A damaged file anywhere rolls the whole run back: the store stays exactly as it was.
          outcomes = await importFiles(store, bundles, { trustNewKey: opts.trustNewKey, onProgress: (text) => spinner?.update(text) });
        } finally {
          spinner?.stop();
          store.close();
          // Nothing accepted into a store this run created: leave no file behind.
          if (!existed && !outcomes.some((o) => o.status === 'imported')) {
            for (const f of [opts.store, `${opts.store}-wal`, `${opts.store}-shm`, `${opts.store}-journal`]) rmSync(f, { force: true });
            try {
              for (const d of madeFolders) rmdirSync(d); // only if still empty: nothing else is lost
            } catch {
              // something else was put there meanwhile: leave it
            }
          }
        }
        if (!opts.json) for (const o of outcomes) for (const l of outcomeLines(o)) (o.status === 'refused' ? err : out)(l);
        const refused = outcomes.filter((o) => o.status === 'refused').length;
        if (opts.json) out(JSON.stringify(outcomes.map((o) => ('verdict' in o ? { ...o, verdict: o.verdict ? { ok: o.verdict.ok, failure: o.verdict.failure } : undefined } : o)), null, 2));
        else if (outcomes.length > 1) out(t('audit.import.summary', { ok: outcomes.length - refused, total: outcomes.length, refused }));
        return refused ? EXIT.INVALID : EXIT.OK;
      }),
    );

  audit
    .command('stations')
    .description(t('audit.cmd.stations'))
    .requiredOption('--store <district.db>', t('audit.opt.store'))
    .option('--json', t('audit.opt.json'))
    .action(
      action(async (opts: { store: string; json?: boolean }) => {
        const { listStations, textTable: table } = await import('../audit/index.js');
        const { openDistrictStore } = await import('../journal/index.js');
        const store = openDistrictStore(opts.store);
        try {
          const list = listStations(store);
          if (opts.json) {
            out(JSON.stringify(list, null, 2));
            return;
          }
          if (!list.length) {
            out(t('audit.store.empty'));
            return;
          }
          const head = ['station', 'name', 'district', 'keys', 'daysCovered', 'firstLast', 'gaps', 'lastImport', 'head'].map((k) => t(`audit.col.${k}`));
          const rows = list.map((s) => [
            s.id, s.name ?? '', [s.district, s.province].filter(Boolean).join(', '), s.fingerprints.map((f) => f.fingerprint).join(' '),
            String(s.daysCovered), s.firstDay ? `${s.firstDay} – ${s.lastDay}` : '', s.gaps.map((g) => (g.from === g.to ? g.from : `${g.from}…${g.to}`)).join(', ') || '0',
            localMinute(Date.parse(s.lastImport)), `${s.head.seq} ${s.head.hash.slice(0, 12)}`,
          ]);
          for (const l of table(head, rows)) out(l);
        } finally {
          store.close();
        }
      }),
    );

  audit
    .command('report')
    .description(t('audit.cmd.report'))
    .option('--db <journal>', t('audit.opt.db'))
    .option('--store <district.db>', t('audit.opt.store'))
    .option('--station <id>', t('audit.opt.station'))
    .requiredOption('--from <date>', t('audit.opt.from'))
    .requiredOption('--to <date>', t('audit.opt.to'))
    .option('--format <format>', t('audit.opt.format'), 'text')
    .option('-o, --output <file>', t('audit.opt.output'))
    .option('--schedule <file>', t('audit.opt.schedule'))
    .option('--json', t('audit.opt.json'))
    .action(
      action(async (opts: { db?: string; store?: string; station?: string; from: string; to: string; format: string; output?: string; schedule?: string; json?: boolean }) => {
        const { from, to } = range(opts.from, opts.to);
        if (!!opts.db === !!opts.store) throw new LoaxaError('audit.source.needOne', {}, EXIT.USAGE);
        const format = opts.json ? 'json' : opts.format;
        const audit = await import('../audit/index.js');
        if (!(audit.REPORT_FORMATS as readonly string[]).includes(format)) throw new LoaxaError('audit.format.unknown', { format }, EXIT.USAGE);
        const chalk = (await import('chalk')).default;
        if (opts.output) chalk.level = 0; // a file gets no terminal colours
        // The report as UTF-8 pieces, written in order (a district's CSV comes from the worker threads encoded).
        let pieces: Uint8Array[];
        if (opts.db) {
          const info = opts.schedule ? await stationFromSchedule(opts.schedule) : undefined;
          pieces = await audit.renderFromJournalParallel(opts.db, from, to, format as (typeof audit.REPORT_FORMATS)[number], { station: opts.station, info });
        } else {
          const spinner = await progress(format !== 'json');
          try {
            pieces = await audit.renderFromStoreParallel(opts.store!, from, to, format as (typeof audit.REPORT_FORMATS)[number], {
              station: opts.station,
              onStation: (n, total, id) => spinner?.update(t('audit.report.progress', { n, total, station: id })),
            });
          } finally {
            spinner?.stop();
          }
        }
        if (opts.output) {
          audit.writeAtomically(opts.output, pieces);
          if (format !== 'json') err(t('audit.written', { file: opts.output }));
        } else {
          for (const p of pieces) process.stdout.write(p);
        }
      }),
    );
}

/** YYYY-MM-DD HH:MM in this computer's time zone (the inspector reads their own clock; --json keeps UTC ISO times). */
function localMinute(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Dates checked as real calendar dates; the wrong way round is invalid input (exit 1). */
function range(fromText: string, toText: string): { from: string; to: string } {
  const from = parseDateOption(fromText);
  const to = parseDateOption(toText);
  if (from > to) throw new LoaxaError('cli.range.reversed', { from, to }, EXIT.INVALID);
  return { from, to };
}

async function loaxaVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

async function stationFromSchedule(file: string) {
  const { loadSchedule } = await import('../schedule/index.js');
  const s = await loadSchedule(file);
  return { id: s.station.id, name: s.station.name, district: s.station.district, province: s.station.province, timezone: s.station.timezone };
}

/** An ora spinner on a terminal only: pipes, files and --json runs stay quiet. */
async function progress(wanted: boolean): Promise<{ update(text: string): void; stop(): void } | null> {
  if (!wanted || !process.stderr.isTTY || 'CI' in process.env) return null;
  const ora = (await import('ora')).default;
  const spinner = ora({ stream: process.stderr });
  return {
    update(text: string) {
      spinner.text = text;
      if (!spinner.isSpinning) spinner.start();
    },
    stop() {
      spinner.stop();
    },
  };
}
