/**
 * The `loaxa` command line. Kept light at start-up: each concern registers its commands
 * from src/cli/<concern>.ts and imports its heavy modules only inside the action.
 */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { EXIT, detectLang, setLang, t, getLang } from '../i18n/index.js';
import { configureColour, err, tolerateClosedOutput } from './common.js';
import { registerSchedule } from './schedule.js';
import { registerRelay } from './relay.js';
import { registerAudio } from './audio.js';
import { registerJournal } from './journal.js';
import { registerAudit } from './audit.js';
import { registerEngine } from './engine.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

const HEADINGS_VI: Array<[RegExp, string]> = [
  [/^Usage:/gm, 'Cách dùng:'],
  [/^Options:/gm, 'Tùy chọn:'],
  [/^Commands:/gm, 'Lệnh:'],
  [/^Arguments:/gm, 'Tham số:'],
  [/^Global Options:/gm, 'Tùy chọn chung:'],
];

function translateHelp(text: string): string {
  if (getLang() !== 'vi') return text;
  return HEADINGS_VI.reduce((s, [re, vi]) => s.replace(re, vi), text);
}

/** Commander speaks English; map its usage errors onto our catalogue. */
function usageMessage(e: CommanderError): string {
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
  const key = `cli.usage.${e.code.replace('commander.', '')}`;
  const specific = t(key, { name: quoted });
  return specific === key ? t('cli.usage.error', { detail: e.message.replace(/^error: /, '') }) : specific;
}

/** Pre-scan argv for --lang so help texts are built in the right language. */
function langFromArgv(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang') return argv[i + 1];
    if (a.startsWith('--lang=')) return a.slice(7);
  }
  return undefined;
}

export function buildProgram(): Command {
  const program = new Command('loaxa');
  program
    .description(t('cli.description'))
    .version(version, '-V, --version', t('cli.opt.version'))
    .helpOption('-h, --help', t('cli.opt.help'))
    .helpCommand('help [command]', t('cli.help.command'))
    .option('--lang <lang>', t('cli.opt.lang'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(translateHelp(s)),
      writeErr: () => undefined, // usage errors are printed translated in main()
    });
  registerSchedule(program);
  registerRelay(program);
  registerAudio(program);
  registerJournal(program);
  registerAudit(program);
  registerEngine(program);
  // Sub-commands inherit the overrides so their usage errors also exit 2, translated.
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput({
        writeOut: (s) => process.stdout.write(translateHelp(s)),
        writeErr: () => undefined,
      });
      sub.helpOption('-h, --help', t('cli.opt.help'));
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  const flag = langFromArgv(args);
  const messageLang = flag && /^(vi|en)/i.test(flag) ? flag : undefined;
  // `bulletin tts … --lang km` names the speech language, which may be any voice's code;
  // there an unknown message language just leaves messages to LANG.
  const speechCommand = args.includes('bulletin') && args.includes('tts');
  if (flag && !messageLang && !speechCommand) {
    err(t('cli.lang.invalid', { lang: flag }));
    process.exitCode = EXIT.USAGE;
    return;
  }
  setLang(detectLang(messageLang, process.env));
  configureColour();
  tolerateClosedOutput();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        process.exitCode = EXIT.OK;
        return;
      }
      err(usageMessage(e));
      err(t('cli.usage.hint'));
      process.exitCode = EXIT.USAGE;
      return;
    }
    throw e;
  }
}
