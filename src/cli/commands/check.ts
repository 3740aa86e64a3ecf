// `cnnc check MODEL.cnn [--dump ast|model]`: every diagnostic of the file on stderr; exit 0
// when there is no error (warnings allowed), 1 otherwise. A file that cannot be read is
// exit 1 too: like a wrong model, it is a wrong input file, not a wrong command line.
import type { Command } from 'commander';
import { UsageError, UserError } from '../../errors.js';
import { checkModelFile } from '../../frontend/index.js';
import { countLine } from '../../diagnostics/format.js';

const DUMPS = ['ast', 'model'] as const;

export function register(program: Command): void {
  program
    .command('check')
    .description('check a .cnn file and print every diagnostic')
    .argument('<model>', 'the .cnn file')
    .option('--dump <stage>', `print what a front-end stage produced as JSON (${DUMPS.join('|')})`)
    .action((file: string, opts: { dump?: string }) => {
      if (opts.dump !== undefined && !(DUMPS as readonly string[]).includes(opts.dump)) {
        throw new UsageError(`cnnc check: --dump must be ${DUMPS.join(' or ')}, got "${opts.dump}"`);
      }
      const result = checkModelFile(file);
      if (opts.dump === 'ast') process.stdout.write(`${JSON.stringify(result.ast, null, 2)}\n`);
      if (opts.dump === 'model' && result.model) process.stdout.write(`${JSON.stringify(result.model, null, 2)}\n`);
      if (!result.model) throw new UserError(`${result.formatted}\n${countLine(result.diagnostics)}`);
      if (result.diagnostics.length > 0) process.stderr.write(`${result.formatted}\n${countLine(result.diagnostics)}\n`);
      if (opts.dump === undefined) {
        const nets = result.model.networks.map((n) => `${n.name} (${n.layers.length} layer${n.layers.length === 1 ? '' : 's'})`).join(', ');
        process.stdout.write(`${file}: ok: ${nets}\n`);
      }
    });
}
