// `cnnc summary MODEL.cnn [--json]`: per network, each layer's op, output C×H×W, learnable
// parameters and multiply-adds per sample, with totals (the JSON form is in docs/formats.md).
import type { Command } from 'commander';
import { loadModel } from '../load.js';
import { summaryJson, summaryText } from '../../graph/summary.js';

export function register(program: Command): void {
  program
    .command('summary')
    .description('print each network as a table of layers, shapes, parameters and multiply-adds')
    .argument('<model>', 'the .cnn file')
    .option('--json', 'machine-readable output')
    .action((file: string, opts: { json?: boolean }) => {
      const model = loadModel(file);
      process.stdout.write(opts.json ? `${JSON.stringify(summaryJson(model), null, 2)}\n` : `${summaryText(model)}\n`);
    });
}
