// `cnnc run MODEL.cnn --engine generated|interpreter (--weights W | --seed N) --input X.json
//  [--labels Z.json | --out-sens G.json] [--network NAME] [--mode train|infer] [--trace OUT.json]`:
// one forward pass and, with a target, one backward pass; prints the loss and the predicted
// classes, and writes the trace of docs/formats.md whole (temporary name, then rename).
import type { Command } from 'commander';
import { UsageError, UserError } from '../../errors.js';
import { loadModel } from '../load.js';
import type { CheckedNetwork } from '../../model/checked.js';
import { size3 } from '../../model/checked.js';
import { initWeights } from '../../model/init.js';
import { firstNonFinite, type Trace } from '../../model/trace.js';
import { engineNames, getEngine, type EngineName } from '../../engines/index.js';
import { readInput, readLabels, readOutSens, readWeightsFile } from '../../weights/index.js';
import { checkOutputFile, writeFileAtomic } from '../../util/atomic-write.js';
import { defaultTarget } from '../../lower/index.js';

export interface RunOptions {
  engine: EngineName;
  weights?: string;
  seed?: number;
  input: string;
  labels?: string;
  outSens?: string;
  mode: 'train' | 'infer';
  trace?: string;
  dtype?: 'f32' | 'f64';
  target?: 'js' | 'wasm';
}

interface RawOptions {
  engine?: string; weights?: string; seed?: string; input?: string; labels?: string; outSens?: string;
  network?: string; mode?: string; trace?: string; dtype?: string; target?: string;
}

/** Checks the combination of options before any file is read (exit 2 when wrong). */
export function parseRunOptions(raw: RawOptions): RunOptions {
  if (!raw.engine) throw new UsageError(`cnnc run: --engine is required (${engineNames.join(' or ')})`);
  if (!(engineNames as readonly string[]).includes(raw.engine)) throw new UsageError(`cnnc run: unknown engine "${raw.engine}" (expected ${engineNames.join(' or ')})`);
  if ((raw.weights === undefined) === (raw.seed === undefined)) throw new UsageError('cnnc run: give exactly one of --weights W.json and --seed N');
  let seed: number | undefined;
  if (raw.seed !== undefined) {
    seed = Number(raw.seed);
    if (!/^\d+$/.test(raw.seed) || seed > 0xffffffff) throw new UsageError(`cnnc run: --seed must be an integer from 0 to 4294967295, got "${raw.seed}"`);
  }
  if (!raw.input) throw new UsageError('cnnc run: --input X.json is required');
  if (raw.labels !== undefined && raw.outSens !== undefined) throw new UsageError('cnnc run: give --labels or --out-sens, not both');
  const mode = raw.mode ?? 'train';
  if (mode !== 'train' && mode !== 'infer') throw new UsageError(`cnnc run: --mode must be train or infer, got "${mode}"`);
  const dtype = raw.dtype;
  if (dtype !== undefined && dtype !== 'f32' && dtype !== 'f64') throw new UsageError(`cnnc run: --dtype must be f32 or f64, got "${dtype}"`);
  const target = raw.target;
  if (target !== undefined && target !== 'js' && target !== 'wasm') throw new UsageError(`cnnc run: --target must be wasm or js, got "${target}"`);
  if (target === 'wasm' && dtype === 'f64') throw new UsageError('cnnc run: --target wasm is float32 only; use --target js for --dtype f64');
  return { engine: raw.engine as EngineName, weights: raw.weights, seed, input: raw.input, labels: raw.labels, outSens: raw.outSens, mode, trace: raw.trace, dtype, target };
}

/** The class of each sample: the index of the largest number of its output block (first on ties). */
export function predictedClasses(net: CheckedNetwork, output: ArrayLike<number>): number[] {
  const K = size3(net.output);
  return Array.from({ length: net.batch }, (_, t) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (output[t * K + k] > output[t * K + best]) best = k;
    return best;
  });
}

/** Runs one network: reads the files, asks the engine, prints, writes the trace. */
export async function runNetwork(net: CheckedNetwork, opts: RunOptions, print: (line: string) => void): Promise<Trace> {
  if (opts.labels !== undefined && !net.endsWithSoftmax)
    throw new UsageError(`cnnc run: network ${net.name} does not end in softmax; give --out-sens G.json (∂J/∂output), not --labels`);
  if (opts.outSens !== undefined && net.endsWithSoftmax)
    throw new UsageError(`cnnc run: network ${net.name} ends in softmax; give --labels Z.json (the backward pass starts from y - z), not --out-sens`);
  if (net.layers.length === 0) throw new UserError(`network ${net.name} has no layers`);
  const weights = opts.weights !== undefined ? readWeightsFile(opts.weights, net) : initWeights(net, opts.seed ?? 0);
  const input = readInput(opts.input, net);
  const labels = opts.labels !== undefined ? readLabels(opts.labels, net) : undefined;
  const outSens = opts.outSens !== undefined ? readOutSens(opts.outSens, net) : undefined;
  const engine = await getEngine(opts.engine, { dtype: opts.dtype, target: opts.target });
  const trace = await engine.run(net, { weights, input, mode: opts.mode, labels, outSens });
  // Finite inputs and weights can still overflow on the way (float32 ends at 3.4e38): say
  // where, rather than print NaN or write a trace whose numbers JSON turns into null.
  const bad = firstNonFinite(trace);
  if (bad) {
    throw new UserError(
      `network ${net.name}, engine ${engine.name}${opts.engine === 'generated' ? ` (${opts.target ?? defaultTarget(opts.dtype)} ${opts.dtype ?? 'f32'})` : ''}: ${bad.where}` +
        `${bad.index >= 0 ? ` element ${bad.index}` : ''} is ${bad.value}: the computation overflowed; ` +
        'scale the inputs or the weights down (nothing was written)',
    );
  }
  const output = trace.layers[trace.layers.length - 1].output;
  print(`network ${net.name}: engine ${engine.name}, mode ${opts.mode}, batch ${net.batch}`);
  print(trace.loss === null ? 'loss: none (no --labels or --out-sens, so no backward pass)' : `loss: ${trace.loss}`);
  // A predicted class means something only for a classifier (a network ending in softmax).
  if (net.endsWithSoftmax) print(`predicted: ${predictedClasses(net, output).join(' ')}`);
  else print(`output: ${net.batch}x${net.output.c}x${net.output.h}x${net.output.w} block (no softmax, so no predicted class${opts.trace === undefined ? '; --trace writes it' : ''})`);
  if (opts.trace !== undefined) {
    writeFileAtomic(opts.trace, `${JSON.stringify(trace)}\n`);
    print(`trace: ${opts.trace}`);
  }
  return trace;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('one forward pass (and, with --labels or --out-sens, one backward pass); prints the loss and the predicted classes')
    .argument('<model>', 'the .cnn file')
    .option('--engine <name>', `engine: ${engineNames.join(' or ')}`)
    .option('--weights <file>', 'weights: JSON (.json) or binary')
    .option('--seed <n>', 'seeded initialisation instead of --weights')
    .option('--input <file>', 'input: a JSON array of T·C·H·W numbers')
    .option('--labels <file>', 'labels: a JSON array of T·K numbers, rows summing to 1 (networks ending in softmax)')
    .option('--out-sens <file>', '∂J/∂output, shaped like the output (networks not ending in softmax)')
    .option('--network <name>', 'which network of the file (default: the first)')
    .option('--mode <mode>', 'train (bn batch statistics) or infer (running statistics)', 'train')
    .option('--dtype <dtype>', 'generated engine only: f32 (default) or f64')
    .option('--target <target>', 'generated engine only: wasm (default for f32) or js')
    .option('--trace <file>', 'write every activation, sensitivity, gradient and path as JSON')
    .action(async (model: string, raw: RawOptions) => {
      const opts = parseRunOptions(raw);
      if (opts.trace !== undefined) checkOutputFile(opts.trace);
      const { networks } = loadModel(model);
      const net = raw.network === undefined ? networks[0] : networks.find((n) => n.name === raw.network);
      if (!net) throw new UserError(`${model}: no network named ${raw.network} (the file has ${networks.map((n) => n.name).join(', ')})`);
      await runNetwork(net, opts, (line) => process.stdout.write(`${line}\n`));
    });
}
