import type { Command } from 'commander';
import type { ChalkInstance } from 'chalk';
import type { PlanSlot, Schedule } from '../schedule/index.js';
import { EXIT, LoaxaError, t } from '../i18n/index.js';
import { action, checkRange, err, out, parseDateOption } from './common.js';

/** Commands of the schedule concern. Import heavy modules inside actions (start-up speed). */
export function registerSchedule(program: Command): void {
  program
    .command('validate')
    .description(t('schedule.cmd.validate'))
    .argument('<schedule>', t('schedule.arg.schedule'))
    .option('--strict', t('schedule.opt.strict'))
    .action(action(async (file: string, opts: { strict?: boolean }) => validateCommand(file, opts)));

  program
    .command('plan')
    .description(t('schedule.cmd.plan'))
    .argument('<schedule>', t('schedule.arg.schedule'))
    .option('--date <date>', t('schedule.opt.date'))
    .option('--from <date>', t('schedule.opt.from'))
    .option('--to <date>', t('schedule.opt.to'))
    .option('--json', t('schedule.opt.json'))
    .action(action(async (file: string, opts: PlanOptions) => planCommand(file, opts)));

  program
    .command('init')
    .description(t('schedule.cmd.init'))
    .argument('[dir]', t('schedule.arg.dir'), '.')
    .action(action(async (dir: string) => initCommand(dir)));
}

async function validateCommand(file: string, opts: { strict?: boolean }) {
  const s = await import('../schedule/index.js');
  const result = await s.checkScheduleFile(file);
  const diagnostics = [...result.diagnostics];
  if (result.schedule) {
    // Policies are checked over the coming year.
    const today = s.machineToday();
    diagnostics.push(...s.checkPolicies(result.schedule, today, s.addDays(today, 364)));
  }
  for (const d of diagnostics) err(s.renderDiagnostic(d));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (!result.schedule || errors > 0) {
    err(t('schedule.validate.failed', { file, errors, warnings }));
    return EXIT.INVALID;
  }
  const sched = result.schedule;
  const today = s.machineToday();
  const perWeek = s.expandLocal(sched, today, s.addDays(today, 6)).airings.length;
  out(
    t(warnings ? 'schedule.validate.okWarnings' : 'schedule.validate.ok', {
      file,
      programs: sched.programs.length,
      zones: Object.keys(sched.zones).length,
      slots: perWeek,
      warnings,
    }),
  );
  if (opts.strict && warnings > 0) {
    err(t('schedule.validate.strictFailed', { warnings }));
    return EXIT.INVALID;
  }
  return EXIT.OK;
}

interface PlanOptions {
  date?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

async function planCommand(file: string, opts: PlanOptions) {
  if (opts.date && (opts.from || opts.to)) throw new LoaxaError('schedule.plan.dateOrRange', {}, EXIT.USAGE);
  if ((opts.from === undefined) !== (opts.to === undefined)) throw new LoaxaError('schedule.plan.fromTo', {}, EXIT.USAGE);
  for (const v of [opts.date, opts.from, opts.to]) if (v !== undefined) parseDateOption(v);
  if (opts.from && opts.to) checkRange(opts.from, opts.to);

  const s = await import('../schedule/index.js');
  const sched = await s.loadSchedule(file);
  const tz = sched.station.timezone;
  const from = opts.from ?? opts.date ?? s.todayAt(tz);
  const to = opts.to ?? opts.date ?? from;
  const slots = s.expand(sched, from, to);

  if (opts.json) {
    const rows = slots.map((slot) => ({
      id: slot.id,
      program: slot.program,
      title: slot.title,
      date: slot.date,
      start: slot.start,
      end: slot.end,
      zones: slot.zones,
      ...(slot.source !== undefined ? { source: slot.source } : {}),
      ...(slot.bulletins !== undefined ? { bulletins: slot.bulletins } : {}),
      inserts: slot.inserts.map((i) => ({
        bulletin: i.bulletin,
        language: i.language,
        mode: i.mode,
        start: i.start,
        ...(i.after !== undefined ? { after: i.after } : {}),
        ...(i.estimated ? { estimated: true } : {}),
      })),
      priority: slot.priority,
      required: slot.required,
      repeat: slot.repeat,
    }));
    out(JSON.stringify(rows, null, 2));
    return EXIT.OK;
  }

  const { default: chalk } = await import('chalk');
  printPlanTable(chalk, sched, slots, from, to);
  return EXIT.OK;
}

async function initCommand(dir: string) {
  const { initStation } = await import('../schedule/index.js');
  const created = await initStation(dir);
  out(t('schedule.init.done', { dir: created.dir, file: created.file }));
  return EXIT.OK;
}

/** Display width: Vietnamese letters are precomposed (NFC), one column each. */
function width(s: string): number {
  return [...s.normalize('NFC')].length;
}

function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}

/** The plan as a table for a person: one line per slot, inserts under their slot. */
function printPlanTable(chalk: ChalkInstance, sched: Schedule, slots: PlanSlot[], from: string, to: string): void {
  out(chalk.bold(t('schedule.plan.heading', { station: sched.station.name, from, to, count: slots.length })));
  if (slots.length === 0) {
    out(t('schedule.plan.empty'));
    return;
  }
  const multiDay = from !== to;
  const head = ['start', 'end', 'program', 'zones', 'content', 'priority', 'required'].map((c) => t(`schedule.plan.col.${c}`));
  const time = (iso: string) => (multiDay ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19));
  const rows = slots.map((s) => [
    time(s.start),
    s.end.slice(11, 19),
    `${s.program}${s.repeat > 0 ? ` (${s.repeat + 1})` : ''}`,
    s.zones.length === Object.keys(sched.zones).length ? t('schedule.plan.allZones') : s.zones.join(', '),
    s.source !== undefined ? t('schedule.plan.relay', { source: s.source }) : (s.bulletins ?? []).join(', '),
    t(`schedule.priority.${s.priority}`),
    s.required ? t('schedule.plan.yes') : '',
  ]);
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => padEnd(c, widths[i]!)).join('  ').trimEnd();
  out(chalk.bold(line(head)));
  out(chalk.dim(widths.map((w) => '─'.repeat(w)).join('  ')));
  slots.forEach((slot, index) => {
    const text = line(rows[index]!);
    const coloured = slot.priority === 'emergency' ? chalk.red(text) : slot.priority === 'priority' ? chalk.yellow(text) : text;
    out(slot.required ? chalk.bold(coloured) : coloured);
    out(chalk.dim(`    ${slot.title}`));
    for (const ins of slot.inserts) {
      out(chalk.cyan(`    ${t('schedule.plan.insert', { time: ins.start.slice(11, 19), bulletin: ins.bulletin, language: ins.language, mode: t(`schedule.mode.${ins.mode}`) })}${ins.estimated ? ' ' + t('schedule.plan.estimated') : ''}`));
    }
  });
}
