import type { Command } from 'commander';
import type { Journal } from '../journal/index.js';
import type { RelayEvent, ZoneController, ZoneReport, OpenZonesOptions } from '../relay/index.js';
import type { Schedule } from '../schedule/index.js';
import { EXIT, LoaxaError, t } from '../i18n/index.js';
import { action, err, out } from './common.js';

/** Commands of the relay concern. Import heavy modules inside actions (start-up speed). */
export function registerRelay(program: Command): void {
  const relay = program.command('relay').description(t('relay.cmd.description'));

  relay
    .command('list')
    .description(t('relay.cmd.list'))
    .argument('<schedule>', t('relay.arg.schedule'))
    .action(action(async (file: string) => listCommand(file)));

  relay
    .command('test')
    .description(t('relay.cmd.test'))
    .argument('<schedule>', t('relay.arg.schedule'))
    .option('--zone <zone>', t('relay.opt.zone'), (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--pause <duration>', t('relay.opt.pause'), '2s')
    .action(action(async (file: string, opts: { zone: string[]; pause: string }) => testCommand(file, opts)));

  for (const [name, on] of [
    ['on', true],
    ['off', false],
  ] as const) {
    relay
      .command(name)
      .description(t(on ? 'relay.cmd.on' : 'relay.cmd.off'))
      .argument('<schedule>', t('relay.arg.schedule'))
      .argument('<zones...>', t('relay.arg.zones'))
      .action(action(async (file: string, zones: string[]) => switchCommand(file, zones, on)));
  }

  relay
    .command('status')
    .description(t('relay.cmd.status'))
    .argument('<schedule>', t('relay.arg.schedule'))
    .action(action(async (file: string) => statusCommand(file)));
}

async function loadStationSchedule(file: string): Promise<Schedule> {
  const { loadSchedule } = await import('../schedule/index.js');
  return loadSchedule(file);
}

/** Plain aligned columns; no colour so pipes and journald read it as is. */
function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)];
}

async function listCommand(file: string) {
  const schedule = await loadStationSchedule(file);
  const { existsSync } = await import('node:fs');
  const relay = await import('../relay/index.js');
  out(t('relay.list.boards'));
  const boards = Object.values(schedule.relays).map((b) => [
    b.id,
    b.driver,
    b.port,
    String(b.baud),
    b.driver === 'modbus-rtu' ? `${b.address} (0x${b.address.toString(16).padStart(2, '0').toUpperCase()})` : '—',
    existsSync(b.port) ? t('relay.yes') : t('relay.no'),
  ]);
  for (const l of table(['board', 'driver', 'port', 'baud', 'address', 'exists'].map((k) => t(`relay.col.${k}`)), boards)) out('  ' + l);
  out();
  out(t('relay.list.zones'));
  const zones = Object.values(schedule.zones).map((z) => [z.id, z.name, z.relay, String(z.channel)]);
  if (schedule.amplifier) zones.push([`(${t('relay.amplifier')})`, '', schedule.amplifier.relay, String(schedule.amplifier.channel)]);
  for (const l of table(['zone', 'name', 'board', 'channel'].map((k) => t(`relay.col.${k}`)), zones)) out('  ' + l);
  out();
  out(t('relay.list.attached'));
  try {
    const adapters = await relay.listAttachedAdapters();
    if (adapters.length === 0) out('  ' + t('relay.list.attachedNone'));
    for (const a of adapters) out(`  ${a.path}  ${[a.manufacturer, a.vendorId && a.productId ? `${a.vendorId}:${a.productId}` : '', a.serialNumber].filter(Boolean).join('  ')}`.trimEnd());
  } catch (e) {
    // Listing needs udev (`udevadm`); many station boxes and containers have none.
    out('  ' + t('relay.list.attachedUnavailable', { reason: e instanceof Error ? e.message : String(e) }));
  }
  return EXIT.OK;
}

/** The station journal, to record what the operator did and every relay action. */
async function openStationJournal(schedule: Schedule): Promise<Journal> {
  const { openJournal } = await import('../journal/index.js');
  return openJournal(schedule.journalPath, { station: schedule.station.id, timezone: schedule.station.timezone });
}

function operatorUser(): string {
  try {
    return process.env.SUDO_USER || (process.env.USER ?? '') || 'unknown';
  } catch {
    return 'unknown';
  }
}

function journalEvent(journal: Journal, e: RelayEvent): void {
  const { type, ...payload } = e;
  const atMs = type === 'relay.action' ? (e as { atMs?: number }).atMs : ((e as { endedAtMs?: number }).endedAtMs ?? (e as { startedAtMs?: number }).startedAtMs);
  journal.append(type, payload as never, atMs);
}

/** Open the journal, record the operator's command, open the zones with every event journalled. */
async function session(file: string, command: string, args: string[], zoneOpts: OpenZonesOptions) {
  const schedule = await loadStationSchedule(file);
  const journal = await openStationJournal(schedule);
  const { userInfo } = await import('node:os');
  let user = operatorUser();
  try {
    user = userInfo().username || user;
  } catch {
    // no passwd entry (containers): keep the environment's name
  }
  journal.append('operator.action', { user, command, args });
  const relay = await import('../relay/index.js');
  let zones: ZoneController;
  try {
    zones = await relay.openZones(schedule, { ...zoneOpts, onEvent: (e) => journalEvent(journal, e) });
  } catch (e) {
    journal.close();
    throw e;
  }
  return { schedule, journal, zones };
}

function resultText(r: ZoneReport): string {
  if (r.fault) return `${t(r.confirmed === 'mismatch' ? 'relay.confirm.mismatch' : 'relay.confirm.fault')}: ${r.fault.render()}`;
  if (r.confirmed === 'unconfirmed') return `${t(`relay.state.${r.wanted}`)} — ${t('relay.confirm.unconfirmed')}`;
  return t(`relay.confirm.${r.confirmed}`);
}

function reportLine(schedule: Schedule, r: ZoneReport): string {
  if (r.kind === 'amplifier') return t('relay.line.amplifier', { board: r.board, channel: r.channel, result: resultText(r) });
  return t('relay.line.switched', { zone: r.zone, name: schedule.zones[r.zone]?.name ?? '', board: r.board, channel: r.channel, result: resultText(r) });
}

async function switchCommand(file: string, zoneIds: string[], on: boolean) {
  const { schedule, journal, zones } = await session(file, on ? 'relay on' : 'relay off', zoneIds, {
    // Manual switching keeps the other relays as they are, before and after.
    safeStateOnOpen: false,
  });
  try {
    const reports = on ? await zones.switchOn(zoneIds) : await zones.switchOff(zoneIds);
    for (const r of reports) (r.fault ? err : out)(reportLine(schedule, r));
    await zones.release();
    const faults = reports.filter((r) => r.fault).length;
    if (faults > 0) {
      err(t('relay.faultsOn', { count: faults }));
      return EXIT.FAULT;
    }
    return EXIT.OK;
  } catch (e) {
    await zones.close();
    throw e;
  } finally {
    journal.close();
  }
}

async function statusCommand(file: string) {
  const schedule = await loadStationSchedule(file);
  const relay = await import('../relay/index.js');
  const zones = await relay.openZones(schedule, { safeStateOnOpen: false, exitHandlers: false });
  try {
    const status = await zones.status();
    const rows = status.map((s) => [
      s.kind === 'amplifier' ? `(${t('relay.amplifier')})` : s.zone,
      s.kind === 'amplifier' ? '' : s.name,
      s.board,
      String(s.channel),
      t(`relay.state.${s.state}`),
      s.fault ? `${t('relay.confirm.fault')}` : s.confirmed ? t('relay.status.readBack') : t('relay.status.tracked'),
    ]);
    for (const l of table(['zone', 'name', 'board', 'channel', 'state', 'confirmed'].map((k) => t(`relay.col.${k}`)), rows)) out(l);
    const faults = [...new Set(status.filter((s) => s.fault).map((s) => s.fault!.render()))];
    for (const f of faults) err(f);
    return faults.length > 0 ? EXIT.FAULT : EXIT.OK;
  } finally {
    await zones.release();
  }
}

/** `2s`, `1m30s` (schedule spelling) or `500ms`. */
async function parsePause(value: string): Promise<number> {
  const ms = /^\s*(\d+)\s*ms\s*$/.exec(value);
  if (ms) return Number(ms[1]);
  const { parseDurationOrNull } = await import('../schedule/index.js');
  const parsed = parseDurationOrNull(value);
  if (parsed === null) throw new LoaxaError('cli.duration.invalid', { value }, EXIT.USAGE);
  return parsed;
}

async function testCommand(file: string, opts: { zone: string[]; pause: string }) {
  const pauseMs = await parsePause(opts.pause);
  const { schedule, journal, zones } = await session(file, 'relay test', [...opts.zone.flatMap((z) => ['--zone', z]), '--pause', opts.pause], {});
  try {
    const ids = opts.zone.length > 0 ? opts.zone : Object.keys(schedule.zones);
    for (const id of ids) {
      if (!Object.hasOwn(schedule.zones, id)) throw new LoaxaError('relay.zone.unknown', { zone: id, known: Object.keys(schedule.zones).join(', ') }, EXIT.INVALID);
    }
    if (ids.length === 0) throw new LoaxaError('relay.noZones', {}, EXIT.INVALID);
    out(t('relay.test.start', { count: ids.length, pause: opts.pause }));
    let failed = 0;
    for (const id of ids) {
      const onReports = await zones.switchOn([id]);
      for (const r of onReports.filter((r) => r.fault)) err(reportLine(schedule, r));
      const zoneOn = onReports.find((r) => r.kind === 'zone')!;
      await new Promise((r) => setTimeout(r, pauseMs));
      const offReports = await zones.switchOff([id]);
      for (const r of offReports.filter((r) => r.fault)) err(reportLine(schedule, r));
      const zoneOff = offReports.find((r) => r.kind === 'zone')!;
      if ([...onReports, ...offReports].some((r) => r.fault)) failed++;
      out(t('relay.test.zone', { zone: id, name: schedule.zones[id]!.name, on: resultText(zoneOn), off: resultText(zoneOff) }));
    }
    await zones.close();
    out(t('relay.test.done', { ok: ids.length - failed, failed }));
    if (failed > 0) {
      err(t('relay.faults', { count: failed }));
      return EXIT.FAULT;
    }
    return EXIT.OK;
  } finally {
    await zones.close();
    journal.close();
  }
}
