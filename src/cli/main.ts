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

