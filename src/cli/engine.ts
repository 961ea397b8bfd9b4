import type { Command } from 'commander';
import { EXIT, LoaxaError, t } from '../i18n/index.js';
import { action, out, err } from './common.js';

/** Commands of the engine concern. Import heavy modules inside actions (start-up speed). */
export function registerEngine(program: Command): void {
  program
    .command('run')
    .description(t('engine.cmd.run'))
    .argument('<schedule>', t('engine.arg.schedule'))
    .option('--db <file>', t('engine.opt.db'))
    .option('--for <duration>', t('engine.opt.for'))
    .action(
      action(async (file: string, opts: { db?: string; for?: string }) => {
        const { parseDurationOrNull, localIso } = await import('../schedule/index.js');
        let forMs: number | undefined;
        if (opts.for !== undefined) {
          const ms = parseDurationOrNull(opts.for);
          if (ms === null || ms <= 0) throw new LoaxaError('engine.run.forInvalid', { value: opts.for }, EXIT.USAGE);
          forMs = ms;
        }
        const { startDaemon, consoleLog } = await import('../engine/index.js');
        let tz = 'Asia/Ho_Chi_Minh';
        const log = consoleLog({ tty: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env), timezone: () => tz, localIso });
        const daemon = await startDaemon({ scheduleFile: file, db: opts.db, forMs, log, print: (l) => err(l) });
        tz = daemon.engine.timezone;
        const code = await daemon.finished;
        // Serial ports and sockets are closed; anything left (a slow child) must not keep us up.
        setTimeout(() => process.exit(code), 1500).unref();
        return code as 0;
      }),
    );

  program
    .command('status')
    .description(t('engine.cmd.status'))
    .argument('<schedule>', t('engine.arg.schedule'))
    .option('--json', t('engine.opt.json'))
    .action(
      action(async (file: string, opts: { json?: boolean }) => {
        const { loadSchedule, expand, localDate, addDays } = await import('../schedule/index.js');
        const { findSocket, request } = await import('../engine/index.js');
        const schedule = await loadSchedule(file);
        const path = findSocket(schedule.dir, schedule.station.id);
        if (!path) {
          err(t('engine.status.notRunning', { station: schedule.station.id, dir: schedule.dir }));
          const today = localDate(Date.now(), schedule.station.timezone);
          const next = expand(schedule, today, addDays(today, 1)).find((s) => s.startMs > Date.now());
          if (next) out(t('engine.status.planNext', { slot: next.id, title: next.title, start: next.start }));
          return EXIT.FAULT;
        }
        const st = await request<StatusReply>(path, { cmd: 'status' });
        if (opts.json) {
          out(JSON.stringify(st, null, 2));
          return;
        }
        printStatus(st);
      }),
    );

  const service = program.command('service').description(t('engine.cmd.service'));
  service
    .command('install')
    .description(t('engine.cmd.serviceInstall'))
    .argument('<schedule>', t('engine.arg.schedule'))
    .option('--user <user>', t('engine.opt.user'))
    .option('--output <file>', t('engine.opt.output'))
    .option('--db <file>', t('engine.opt.db'))
    .action(
      action(async (file: string, opts: { user?: string; output?: string; db?: string }) => {
        const { loadSchedule } = await import('../schedule/index.js');
        const { systemdUnit, unitName } = await import('../engine/index.js');
        const { writeFileSync, realpathSync } = await import('node:fs');
        const { resolve, join } = await import('node:path');
        const { userInfo } = await import('node:os');
        const { fileURLToPath } = await import('node:url');
        const schedule = await loadSchedule(file);
        const user = opts.user ?? userInfo().username;
        const binPath = realpathSync(fileURLToPath(new URL('../../bin/loaxa', import.meta.url)));
        const unit = systemdUnit({
          station: schedule.station.id,
          stationName: schedule.station.name,
          scheduleFile: schedule.file,
          stationDir: schedule.dir,
          user,
          nodePath: realpathSync(process.execPath),
          binPath,
          db: opts.db ? resolve(opts.db) : undefined,
        });
        const name = unitName(schedule.station.id);
        const target = opts.output ? resolve(opts.output) : join('/etc/systemd/system', name);
        try {
          writeFileSync(target, unit, { mode: 0o644 });
        } catch (e) {
          throw new LoaxaError('engine.service.cannotWrite', { file: target, reason: (e as NodeJS.ErrnoException).code ?? String(e) }, EXIT.FAULT);
        }
        out(t('engine.service.written', { file: target }));
        out(t('engine.service.groups', { user }));
        out(t('engine.service.enable'));
        if (opts.output) out(`  sudo cp ${target} /etc/systemd/system/${name}`);
        out(`  sudo systemctl daemon-reload && sudo systemctl enable --now ${name}`);
        out(`  journalctl -u ${name} -f`);
      }),
    );

  program
    .command('demo')
    .description(t('engine.cmd.demo'))
    .option('--seconds <n>', t('engine.opt.seconds'), '60')
    .action(
      action(async (opts: { seconds: string }) => {
        const seconds = Number(opts.seconds);
        if (!Number.isFinite(seconds) || seconds < 20 || seconds > 3600) {
          throw new LoaxaError('cli.usage.invalidArgument', { name: '--seconds' }, EXIT.USAGE);
        }
        const { runDemo } = await import('../engine/index.js');
        return (await runDemo({ seconds, print: out })) as 0;
      }),
    );
}

interface StatusReply {
  station: string;
  now: string;
  onAir: Array<{ slot: string; title: string; start: string; end: string; state: string }>;
  next: { slot: string; title: string; start: string; zones: string[] } | null;
  queued: Array<{ bulletin: string; priority: string }>;
  feeds: Record<string, { state: string; at: string; detail?: string }>;
  faults: Array<{ at: string; type: string; detail: string }>;
  relays: Array<{ kind: string; zone: string; board: string; channel: number; state: string; confirmed: boolean }> | null;
}

function printStatus(st: StatusReply): void {
  out(t('engine.status.title', { station: st.station, now: st.now }));
  if (st.onAir.length === 0) out(t('engine.status.nothingOnAir'));
  for (const r of st.onAir) out(t('engine.status.onAir', { slot: r.slot, title: r.title, start: r.start, end: r.end, state: t(`engine.state.${r.state}`) }));
  out(st.next ? t('engine.status.next', { slot: st.next.slot, title: st.next.title, start: st.next.start, zones: st.next.zones.join(', ') }) : t('engine.status.noNext'));
  if (st.queued.length) out(t('engine.status.queued', { list: st.queued.map((q) => `${q.bulletin} (${q.priority})`).join(', ') }));
  const feeds = Object.entries(st.feeds);
  if (feeds.length === 0) out(t('engine.status.noFeed'));
  for (const [source, f] of feeds) out(t('engine.status.feed', { source, state: t(`engine.feed.${f.state}`), at: f.at }));
  for (const r of st.relays ?? []) {
    out(t('engine.status.relay', { zone: r.kind === 'amplifier' ? t('engine.status.amplifier') : r.zone, board: r.board, channel: r.channel, state: t(`engine.relayState.${r.state}`), confirmed: r.confirmed ? '' : t('engine.status.relayUnconfirmed') }));
  }
  if (st.faults.length === 0) out(t('engine.status.noFaults'));
  else {
    out(t('engine.status.faults'));
    for (const f of st.faults.slice(0, 10)) out(`  ${f.at}  ${f.type}  ${f.detail}`);
  }
}
