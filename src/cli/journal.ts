import type { Command } from 'commander';
import { EXIT, LoaxaError, t } from '../i18n/index.js';
import { action, out, parseDateOption } from './common.js';

interface DbOpts {
  db?: string;
}

/** The station's schedule gives its id, time zone, journal path and keys folder. */
async function station(file: string, opts: DbOpts) {
  const { loadSchedule } = await import('../schedule/index.js');
  const schedule = await loadSchedule(file);
  return {
    schedule,
    journalPath: opts.db ?? schedule.journalPath,
    id: schedule.station.id,
    timezone: schedule.station.timezone,
  };
}

function parseSeq(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new LoaxaError('journal.cli.seq.invalid', { value }, EXIT.USAGE);
  return Number(value);
}

/** `--set key=value`: the value is read as JSON when it parses, else kept as text. */
function parseFields(pairs: string[] = []): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new LoaxaError('journal.cli.set.invalid', { value: pair }, EXIT.USAGE);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    fields[pair.slice(0, eq)] = value;
  }
  return fields;
}

/** Commands of the journal concern. Import heavy modules inside actions (start-up speed). */
export function registerJournal(program: Command): void {
  program
    .command('log')
    .description(t('journal.cli.log'))
    .argument('<schedule>', t('journal.cli.arg.schedule'))
    .option('--date <date>', t('journal.cli.opt.date'))
    .option('--json', t('journal.cli.opt.json'))
    .option('--db <path>', t('journal.cli.opt.db'))
    .action(
      action(async (file: string, opts: DbOpts & { date?: string; json?: boolean }) => {
        const date = opts.date === undefined ? undefined : parseDateOption(opts.date);
        const st = await station(file, opts);
        const jm = await import('../journal/index.js');
        const day = date ?? jm.localDate(Date.now(), st.timezone);
        const journal = jm.openJournal(st.journalPath, { station: st.id, timezone: st.timezone, readonly: true });
        try {
          const events = journal.events({ date: day });
          if (opts.json) {
            out(JSON.stringify(events, null, 2));
            return;
          }
          const seal = journal.sealOf(day);
          for (const line of jm.renderDayLog(events, { date: day, station: st.id, stationName: st.schedule.station.name, seal, nowMs: Date.now() })) out(line);
        } finally {
          journal.close();
        }
      }),
    );

  const journalCmd = program.command('journal').description(t('journal.cli.journal'));

  journalCmd
    .command('seal')
    .description(t('journal.cli.seal'))
    .argument('<schedule>', t('journal.cli.arg.schedule'))
    .option('--date <date>', t('journal.cli.opt.sealDate'))
    .option('--db <path>', t('journal.cli.opt.db'))
    .action(
      action(async (file: string, opts: DbOpts & { date?: string }) => {
        const date = opts.date === undefined ? undefined : parseDateOption(opts.date);
        const st = await station(file, opts);
        const jm = await import('../journal/index.js');
        const keys = jm.loadStationKeys(st.schedule.keysDir);
        const journal = jm.openJournal(st.journalPath, { station: st.id, timezone: st.timezone });
        try {
          const day = date ?? jm.localDate(journal.nowMs(), st.timezone);
          const before = journal.head()?.seq ?? 0;
          const seal = jm.sealDay(journal, keys, day);
          if (!seal) throw new LoaxaError('journal.seal.nothing', { date: day }, EXIT.INVALID);
          const p = seal.payload;
          out(t(seal.seq > before ? 'journal.seal.done' : 'journal.seal.already', { date: p.date, lastSeq: p.lastSeq, seq: seal.seq }));
          out(t('journal.seal.detail', { hash: p.headHash, fingerprint: p.fingerprint }));
        } finally {
          journal.close();
        }
      }),
    );

  journalCmd
    .command('correct')
    .description(t('journal.cli.correct'))
    .argument('<schedule>', t('journal.cli.arg.schedule'))
    .requiredOption('--seq <n>', t('journal.cli.opt.seq'))
    .requiredOption('--reason <text>', t('journal.cli.opt.reason'))
    .option('--set <key=value...>', t('journal.cli.opt.set'))
    .option('--db <path>', t('journal.cli.opt.db'))
    .action(
      action(async (file: string, opts: DbOpts & { seq: string; reason: string; set?: string[] }) => {
        const seq = parseSeq(opts.seq);
        const fields = parseFields(opts.set);
        if (!opts.reason.trim()) throw new LoaxaError('journal.correct.noReason', {}, EXIT.USAGE);
        const st = await station(file, opts);
        const jm = await import('../journal/index.js');
        const { userInfo } = await import('node:os');
        const journal = jm.openJournal(st.journalPath, { station: st.id, timezone: st.timezone });
        try {
          const target = journal.get(seq);
          if (!target) throw new LoaxaError('journal.correct.noSuchRow', { seq }, EXIT.INVALID);
          if (target.type === 'seal') throw new LoaxaError('journal.correct.seal', { seq }, EXIT.INVALID);
          const ev = journal.append('correction', { corrects: seq, user: userInfo().username, reason: opts.reason.trim(), fields });
          out(t('journal.correct.done', { seq, at: ev.seq }));
        } finally {
          journal.close();
        }
      }),
    );

  journalCmd
    .command('verify')
    .description(t('journal.cli.verify'))
    .argument('<schedule>', t('journal.cli.arg.schedule'))
    .option('--db <path>', t('journal.cli.opt.db'))
    .action(
      action(async (file: string, opts: DbOpts) => {
        const st = await station(file, opts);
        const jm = await import('../journal/index.js');
        const { existsSync } = await import('node:fs');
        const { join } = await import('node:path');
        const hasKey = existsSync(join(st.schedule.keysDir, jm.PUBLIC_KEY_FILE));
        const result = jm.verifyJournal(st.journalPath, hasKey ? { publicKey: jm.loadPublicKey(st.schedule.keysDir).publicKey } : { noStationKeys: true });
        if (hasKey) result.keySource = 'station-folder';
        for (const line of jm.describeVerifyResult(result)) out(line);
        return result.ok ? EXIT.OK : EXIT.INVALID;
      }),
    );

  const keysCmd = program.command('keys').description(t('journal.cli.keys'));

  keysCmd
    .command('init')
    .description(t('journal.cli.keysInit'))
    .argument('<schedule>', t('journal.cli.arg.schedule'))
    .action(
      action(async (file: string) => {
        const { loadSchedule } = await import('../schedule/index.js');
        const schedule = await loadSchedule(file);
        const jm = await import('../journal/index.js');
        const keys = jm.initStationKeys(schedule.keysDir);
        out(t('journal.keys.made', { dir: schedule.keysDir }));
        out(t('journal.keys.public', { key: keys.publicKeyBase64 }));
        out(t('journal.keys.fingerprint', { fingerprint: keys.fingerprint }));
        out(t('journal.keys.register'));
      }),
    );

  keysCmd
    .command('show')
    .description(t('journal.cli.keysShow'))
    .argument('<schedule>', t('journal.cli.arg.schedule'))
    .action(
      action(async (file: string) => {
        const { loadSchedule } = await import('../schedule/index.js');
        const schedule = await loadSchedule(file);
        const jm = await import('../journal/index.js');
        const info = jm.loadPublicKey(schedule.keysDir);
        out(t('journal.keys.station', { station: schedule.station.id, name: schedule.station.name }));
        out(t('journal.keys.public', { key: info.publicKeyBase64 }));
        out(t('journal.keys.fingerprint', { fingerprint: info.fingerprint }));
      }),
    );
}
