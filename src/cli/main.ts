// The `cnnc` command line. Each command lives in its own file under commands/ and
// registers itself on the program; this file only wires them and maps errors to the exit
// statuses of docs/formats.md (0 ok, 1 wrong model or data, 2 wrong command line).
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { setFallbackWarningHandler } from '../frontend/index.js';
import { warnOnStderr } from './load.js';
import { packageRoot } from '../util/paths.js';
import { commands } from './commands/index.js';
import { existsSync } from 'node:fs';
import { closest } from '../diagnostics/suggest.js';

/**
 * `build` is the default command, so commander reads any unknown first word as a model
 * path. A first word that names no file and looks like a command (no dot, no slash) is
 * taken as a mistyped command instead: "unknown command 'chek'; did you mean 'check'?".
 */
function unknownCommand(program: Command, argv: string[]): string | undefined {
  const word = argv[0];
  if (word === undefined || word.startsWith('-') || /[./\\]/.test(word) || existsSync(word)) return undefined;
  const names = program.commands.map((c) => c.name());
  if (names.includes(word) || word === 'help') return undefined;
  const guess = closest(word, [...names, 'help']);
  return guess !== undefined
    ? `cnnc: unknown command '${word}'; did you mean '${guess}'?\n`
    : `cnnc: '${word}' is neither a command nor a file (commands: ${names.join(', ')}; a model is a .cnn file)\n`;
}

export async function main(argv: string[]): Promise<number> {
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  const program = new Command('cnnc')
    .description('Compile .cnn network descriptions into specialised, zero-dependency JS/TS modules')
    .version(version, '-V, --version')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // Commands that load models through the library's loadModel directly still print warnings.
  setFallbackWarningHandler(warnOnStderr);
  for (const register of commands) register(program);
  if (argv.length === 0) {
    // Run bare: the help, rather than "missing required argument 'model'".
    process.stdout.write(program.helpInformation());
    return 0;
  }
  const unknown = unknownCommand(program, argv);
  if (unknown !== undefined) {
    process.stderr.write(`${unknown}run 'cnnc --help' for the commands\n`);
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; every other parse failure is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`cnnc: internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
    return 70;
  }
}

