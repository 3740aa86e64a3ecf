// `cnnc bench MODEL.cnn [--network NAME] [--json] [--quick] [--max-time S] [--roofline]`:
// the generated module against the interpreter, per layer kernel and for the whole network,
// on the same seeded data. Progress on stderr (a bar on a terminal, plain lines otherwise),
// the table on stdout, or the JSON of docs/formats.md with --json.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { UsageError, UserError } from '../../errors.js';
import { loadModel } from '../load.js';
import { benchNetwork, type BenchOptions } from '../../bench/run.js';
import { formatBenchTable } from '../../bench/table.js';
import { measureRoofline } from '../../bench/roofline.js';

interface RawOptions { network?: string; json?: boolean; quick?: boolean; maxTime?: string; roofline?: boolean }

function progress(network: string): { onCase: BenchOptions['onCase']; done: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: `bench ${network} [{bar}] {value}/{total} {case}`, stream: process.stderr, hideCursor: true, clearOnComplete: true,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      onCase: (i, total, c) => {
        if (!started) { bar.start(total, 0, { case: '' }); started = true; }
        bar.update(i, { case: `${c.scope} ${c.op}` });
      },
      done: () => { if (started) bar.stop(); },
    };
  }
  return {
    onCase: (i, total, c) => process.stderr.write(`bench ${network}: ${i + 1}/${total} ${c.scope} ${c.op}\n`),
    done: () => {},
  };
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('time the generated module against the interpreter, per layer and for the whole network')
    .argument('<model>', 'the .cnn file')
    .option('--network <name>', 'which network of the file (default: the first)')
    .option('--json', 'print {"network", "machine", "rows"} (docs/formats.md) instead of the table')
    .option('--quick', 'short timings (0.05 s a case): checks the harness, not for figures')
    .option('--max-time <seconds>', 'benchmark.js time budget of each timing (default 0.5)')
    .option('--roofline', 'also measure the best scalar-JS multiply-add rate and show each kernel as a fraction of it')
    .action(async (model: string, raw: RawOptions) => {
      let maxTime = raw.quick ? 0.05 : 0.5;
      if (raw.maxTime !== undefined) {
        maxTime = Number(raw.maxTime);
        if (!(maxTime > 0 && maxTime <= 600)) throw new UsageError(`cnnc bench: --max-time must be a number of seconds above 0 (at most 600), got "${raw.maxTime}"`);
      }
      const { networks } = loadModel(model);
      const net = raw.network === undefined ? networks[0] : networks.find((n) => n.name === raw.network);
      if (!net) throw new UserError(`${model}: no network named ${raw.network} (the file has ${networks.map((n) => n.name).join(', ')})`);
      if (net.layers.length === 0) throw new UserError(`network ${net.name} has no layers: nothing to time`);
      const p = progress(net.name);
      let report;
      try {
        report = await benchNetwork(net, { maxTime, minSamples: raw.quick ? 2 : 5, minTime: raw.quick ? 0.005 : undefined, onCase: p.onCase });
      } finally {
        p.done();
      }
      if (raw.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const roofline = raw.roofline ? measureRoofline(raw.quick ? 50 : 300).best : undefined;
      process.stdout.write(`${formatBenchTable(report, net.batch, roofline?.gflops)}\n`);
      if (roofline) process.stdout.write(`roofline: ${roofline.gflops.toFixed(2)} GFLOP/s, the best scalar-JS multiply-add microbenchmark (${roofline.name})\n`);
    });
}
