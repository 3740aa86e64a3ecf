// `cnnc bench MODEL.cnn [--network NAME] [--target wasm|js] [--json] [--quick] [--max-time S]
// [--roofline] [--no-first]`: the generated module, at each target (WebAssembly SIMD and JS),
// against the interpreter, per layer kernel and for the whole network, on the same seeded
// data, and the time to first result of a fresh module. Progress on stderr (a bar on a terminal, plain lines otherwise),
// the table on stdout, or the JSON of docs/formats.md with --json.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { UsageError, UserError } from '../../errors.js';
import { loadModel } from '../load.js';
import { benchNetwork, TARGETS, type BenchOptions, type Target } from '../../bench/run.js';
import { formatBenchTable, formatFirstResults } from '../../bench/table.js';
import { measureRoofline, measureWasmRoofline, wasmSimdSupport } from '../../bench/roofline.js';

interface RawOptions { network?: string; target?: string; json?: boolean; quick?: boolean; maxTime?: string; roofline?: boolean; first?: boolean }

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
    .option('--target <target>', 'time only this target of the generated module: wasm or js (default: both)')
    .option('--json', 'print {"network", "machine", "targets", "rows", "firstResult"} (docs/formats.md) instead of the table')
    .option('--quick', 'short timings (0.05 s a case): checks the harness, not for figures')
    .option('--max-time <seconds>', 'benchmark.js time budget of each timing (default 0.5)')
    .option('--roofline', 'also measure the best scalar-JS and WebAssembly SIMD multiply-add rates and show each kernel as a fraction of its target\'s')
    .option('--no-first', 'skip the time to first result (a fresh module in a new process)')
    .action(async (model: string, raw: RawOptions) => {
      let maxTime = raw.quick ? 0.05 : 0.5;
      if (raw.maxTime !== undefined) {
        maxTime = Number(raw.maxTime);
        if (!(maxTime > 0 && maxTime <= 600)) throw new UsageError(`cnnc bench: --max-time must be a number of seconds above 0 (at most 600), got "${raw.maxTime}"`);
      }
      let targets: Target[] = [...TARGETS];
      if (raw.target !== undefined) {
        if (!TARGETS.includes(raw.target as Target)) throw new UsageError(`cnnc bench: --target must be wasm or js, got "${raw.target}"`);
        targets = [raw.target as Target];
      }
      if (targets.includes('wasm') && !wasmSimdSupport().simd) {
        throw new UserError('cnnc bench: this JavaScript engine has no WebAssembly SIMD, so the wasm target cannot run here: use --target js');
      }
      const { networks } = loadModel(model);
      const net = raw.network === undefined ? networks[0] : networks.find((n) => n.name === raw.network);
      if (!net) throw new UserError(`${model}: no network named ${raw.network} (the file has ${networks.map((n) => n.name).join(', ')})`);
      if (net.layers.length === 0) throw new UserError(`network ${net.name} has no layers: nothing to time`);
      const p = progress(net.name);
      let report;
      try {
        report = await benchNetwork(net, {
          maxTime, minSamples: raw.quick ? 2 : 5, minTime: raw.quick ? 0.005 : undefined, onCase: p.onCase,
          targets, firstResult: raw.first !== false, firstBudgetMs: raw.quick ? 100 : 1500,
        });
      } finally {
        p.done();
      }
      const rooflineTime = raw.quick ? 50 : 300;
      const scalar = raw.roofline ? measureRoofline(rooflineTime) : undefined;
      const simd = raw.roofline && targets.includes('wasm') ? measureWasmRoofline(rooflineTime) : undefined;
      if (raw.json) {
        const out = raw.roofline ? { ...report, roofline: { js: scalar, wasm: simd ?? null } } : report;
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatBenchTable(report, net.batch, { js: scalar?.best.gflops, wasm: simd?.simd.gflops })}\n`);
      if (scalar) process.stdout.write(`scalar-JS roofline: ${scalar.best.gflops.toFixed(2)} GFLOP/s, the best scalar-JS multiply-add microbenchmark (${scalar.best.name})\n`);
      if (simd) {
        process.stdout.write(`WebAssembly SIMD roofline: ${simd.simd.gflops.toFixed(2)} GFLOP/s (${simd.simd.name}); relaxed SIMD: `
          + `${simd.relaxed ? `${simd.relaxed.gflops.toFixed(2)} GFLOP/s (${simd.relaxed.name})` : 'not available in this engine (WebAssembly.validate refuses f32x4.relaxed_madd)'}\n`);
      }
      const firsts = formatFirstResults(report);
      if (firsts) process.stdout.write(`\n${firsts}\n`);
    });
}
