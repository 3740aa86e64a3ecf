// `cnnc graph MODEL.cnn [-o FILE.svg|FILE.dot] [--format svg|dot]`: a picture of every
// network's chain with the shapes on the edges. The format follows the output file's
// extension; without -o the picture goes to stdout (SVG unless --format dot).
import type { Command } from 'commander';
import { extname } from 'node:path';
import { UsageError } from '../../errors.js';
import { loadModel } from '../load.js';
import { renderDot } from '../../graph/dot.js';
import { renderSvg } from '../../graph/svg.js';
import { checkOutputFile, writeFileAtomic } from '../../util/atomic-write.js';

type Format = 'svg' | 'dot';

function pickFormat(out: string | undefined, format: string | undefined): Format {
  if (format !== undefined && format !== 'svg' && format !== 'dot') throw new UsageError(`cnnc graph: --format must be svg or dot, got "${format}"`);
  if (out === undefined) return (format as Format | undefined) ?? 'svg';
  const ext = extname(out).toLowerCase().slice(1);
  if (ext !== 'svg' && ext !== 'dot' && ext !== 'gv') {
    throw new UsageError(`cnnc graph: cannot tell the format of "${out}": name it FILE.svg or FILE.dot`);
  }
  const byExt: Format = ext === 'svg' ? 'svg' : 'dot';
  if (format !== undefined && format !== byExt) throw new UsageError(`cnnc graph: --format ${format} contradicts the extension of "${out}"`);
  return byExt;
}

export function register(program: Command): void {
  program
    .command('graph')
    .description('draw the networks as SVG (for a browser) or DOT (for Graphviz)')
    .argument('<model>', 'the .cnn file')
    .option('-o, --output <file>', 'write to FILE.svg or FILE.dot instead of stdout')
    .option('--format <format>', 'svg or dot, when writing to stdout')
    .action((file: string, opts: { output?: string; format?: string }) => {
      const format = pickFormat(opts.output, opts.format);
      if (opts.output !== undefined) checkOutputFile(opts.output);
      const model = loadModel(file);
      const text = format === 'svg' ? renderSvg(model) : renderDot(model);
      if (opts.output === undefined) process.stdout.write(text);
      else {
        writeFileAtomic(opts.output, text);
        process.stderr.write(`wrote ${opts.output}\n`);
      }
    });
}
