import type { Command } from 'commander';
import { EXIT, LoaxaError, t } from '../i18n/index.js';
import { action, out } from './common.js';

/** Commands of the audio concern. Import heavy modules inside actions (start-up speed). */
export function registerAudio(program: Command): void {
  const feed = program.command('feed').description(t('audio.cmd.feed'));
  feed
    .command('check')
    .description(t('audio.cmd.feedCheck'))
    .argument('<schedule>')
    .argument('<source>')
    .option('--seconds <n>', t('audio.opt.seconds'), '10')
    .action(
      action(async (scheduleFile: string, sourceId: string, opts: { seconds: string }) => {
        const seconds = Number(opts.seconds);
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
          throw new LoaxaError('cli.usage.invalidArgument', { name: '--seconds' }, EXIT.USAGE);
        }
        const { loadSchedule } = await import('../schedule/index.js');
        const audio = await import('../audio/index.js');
        const schedule = await loadSchedule(scheduleFile);
        const src = schedule.sources[sourceId];
        let spec: import('../audio/index.js').SourceSpec;
        let label: string;
        if (src) {
          if (src.url) spec = { kind: 'url', url: src.url };
          else if (src.device) spec = { kind: 'device', device: src.device };
          else throw new LoaxaError('audio.check.noUrl', { source: sourceId }, EXIT.INVALID);
          label = `${sourceId} (${src.url ?? src.device})`;
        } else if (/^[a-z][a-z0-9+.-]*:/i.test(sourceId)) {
          spec = { kind: 'url', url: sourceId };
          label = sourceId;
        } else {
          throw new LoaxaError('audio.check.noSource', { source: sourceId, known: Object.keys(schedule.sources).join(', ') || '—' }, EXIT.INVALID);
        }
        const spinner = process.stderr.isTTY ? (await import('ora')).default({ stream: process.stderr }) : null;
        const target = spec.kind === 'url' ? spec.url : spec.device;
        let probe: import('../audio/index.js').FeedProbe;
        try {
          probe = await audio.probeFeed(spec, {
            sampleSeconds: seconds,
            onStage: (stage) => {
              const text = stage === 'connect' ? t('audio.check.connecting', { url: target }) : t('audio.check.sampling', { seconds });
              if (spinner) spinner.start(text);
            },
          });
        } finally {
          spinner?.stop();
        }
        const unknown = t('audio.check.unknown');
        const rows: Array<[string, string]> = [
          [t('audio.check.source'), label],
          [t('audio.check.reachable'), probe.reachable ? t('audio.check.yes') : t('audio.check.no')],
        ];
        if (probe.reachable) {
          rows.push(
            [t('audio.check.codec'), probe.codec ?? unknown],
            [t('audio.check.sampleRate'), probe.sampleRate ? `${probe.sampleRate} Hz` : unknown],
            [t('audio.check.bitrate'), probe.bitrate ? `${Math.round(probe.bitrate / 1000)} kbps` : unknown],
            [t('audio.check.channels'), probe.channels ? String(probe.channels) : unknown],
          );
          if (probe.lufs !== undefined) rows.push([t('audio.check.loudness'), `${probe.lufs.toFixed(1)} LUFS`]);
          if (probe.silentSeconds !== undefined) {
            rows.push([t('audio.check.silence'), t('audio.check.silenceValue', { silent: probe.silentSeconds, total: probe.sampledSeconds ?? seconds })]);
          }
        }
        const reason = probe.reason ? t(probe.reason, { detail: probe.detail ? `(${probe.detail})` : '' }).trim() : '';
        rows.push([t('audio.check.verdict'), probe.verdict === 'usable' ? t('audio.check.usable') : t('audio.check.unusable', { reason })]);
        const width = Math.max(...rows.map(([k]) => k.length));
        for (const [k, v] of rows) out(`${k.padEnd(width)}  ${v}`);
        return probe.verdict === 'usable' ? EXIT.OK : EXIT.FAULT;
      }),
    );

  program
    .command('play')
    .description(t('audio.cmd.play'))
    .argument('<schedule>')
    .argument('<bulletin>')
    .option('--zones <zones>', t('audio.opt.zones'))
    .option('--out <file>', t('audio.opt.out'))
    .option('--user <name>', t('audio.opt.user'))
    .option('--priority <level>', t('engine.opt.priority'))
    .action(
      action(async (scheduleFile: string, what: string, opts: { zones?: string; out?: string; user?: string; priority?: string }) => {
        const { loadSchedule } = await import('../schedule/index.js');
        const schedule = await loadSchedule(scheduleFile);
        const zones = opts.zones?.split(',').map((z) => z.trim()).filter(Boolean);
        // A running daemon owns the relays and the sound card: hand the bulletin to it.
        if (!opts.out) {
          const { playThroughDaemon } = await import('../engine/index.js');
          const user = opts.user ?? (await import('node:os')).userInfo().username;
          if (await playThroughDaemon(schedule, what, { priority: opts.priority, zones, user }, out)) return;
        }
        const audio = await import('../audio/index.js');
        const abort = new AbortController();
        const onSignal = () => abort.abort();
        process.once('SIGINT', onSignal);
        try {
          const r = await audio.playNow(schedule, what, {
            zones,
            out: opts.out,
            user: opts.user,
            args: [what, ...(opts.zones ? ['--zones', opts.zones] : [])],
            signal: abort.signal,
            onStart: (i) => out(t('audio.play.playing', { bulletin: i.bulletin, seconds: i.seconds, zones: i.zones.join(', ') || '—' })),
          });
          if (r.kind === 'rendered') {
            out(t('audio.play.rendered', { file: r.file, seconds: r.seconds, sha256: r.sha256 }));
          } else {
            out(t('audio.play.done', { bulletin: r.bulletin, seconds: r.result.secondsAired }));
            if (r.result.recording) out(t('audio.play.recorded', { file: r.result.recording.file }));
          }
        } finally {
          process.off('SIGINT', onSignal);
        }
      }),
    );

  const bulletin = program.command('bulletin').description(t('audio.cmd.bulletin'));
  bulletin
    .command('tts')
    .description(t('audio.cmd.tts'))
    .argument('<schedule>')
    .argument('<text>')
    // `--lang` here names the speech language (src/cli/index.ts lets any code through for
    // `bulletin tts`); `-l/--language` sets it without touching the message language.
    .option('-l, --language <code>', t('audio.opt.lang'))
    .requiredOption('-o, --output <file>', t('audio.opt.output'))
    .action(
      action(async (scheduleFile: string, text: string, opts: { language?: string; output: string }, cmd: Command) => {
        const lang = opts.language ?? (cmd.optsWithGlobals() as { lang?: string }).lang;
        if (!lang) throw new LoaxaError('cli.usage.missingMandatoryOptionValue', { name: '--language <code>' }, EXIT.USAGE);
        if (!text.trim()) throw new LoaxaError('audio.tts.empty', {}, EXIT.INVALID);
        const { loadSchedule } = await import('../schedule/index.js');
        const audio = await import('../audio/index.js');
        await loadSchedule(scheduleFile); // the station's schedule must be valid; the text may become one of its bulletins
        const { resolve } = await import('node:path');
        const r = await audio.synthesiseBulletin(text, lang, resolve(opts.output));
        out(t('audio.tts.done', { file: r.file, seconds: (r.durationMs / 1000).toFixed(1), voice: r.voice, lufs: r.lufs.toFixed(1) }));
      }),
    );
}
