// `cnnc MODEL.cnn [-o DIR] [--target wasm|js] [--dtype f32|f64] [--emit wat]` (the default
// command; same as `cnnc build`): compiles every network of the file into DIR (default
// generated/): <net>.ts, <net>.js, <net>.d.ts and <net>.test.ts, and with `--emit wat` the
// WebAssembly kernels as text, <net>.wat. All files of a build are staged under temporary names and
// renamed only when every one was written, so an error leaves the old modules intact.
// `--dump plan` (alias `--dump-plan`) prints, instead, the network plans the emitters
// printed the files from, as a JSON array: `emitNetwork(plan)` gives the same files back.
// `--inference [--weights W] [--network NAME]`: modules with only the inference path and
// the weights built in (src/lower/inference.ts): <net>.ts, .js and .d.ts, no test file.
// With --weights, the one network they are for (--network, default the first); without,
// every network with its seeded initial weights (seed 0).
import type { Command } from 'commander';
import { join } from 'node:path';
import { UsageError, UserError } from '../../errors.js';
import { loadModel } from '../../frontend/index.js';
import { TRAINING_WARNINGS } from '../../diagnostics/codes.js';
import { compileModel, type CompiledNetwork } from '../../emit/index.js';
import { checkOutputFolder, writeFilesAtomic, WriteError } from '../../util/atomic-write.js';
import { readWeightsFile } from '../../weights/index.js';
import { pickNetwork } from '../options.js';
import { defaultTarget } from '../../lower/index.js';

interface BuildOptions {
  out: string;
  dtype: string;
  /** Default: wasm, or js with --dtype f64 (WebAssembly kernels are float32). */
  target?: string;
  emit?: string;
  /** esm (default): <net>.js, an ES module; cjs: <net>.cjs and <net>.d.cts, CommonJS. */
  module?: string;
  convSchedule?: string;
  dump?: string;
  /** The older spelling of `--dump plan`. */
  dumpPlan?: boolean;
  /** Inference modules: forward in inference mode only, weights built in. */
  inference?: boolean;
  /** --inference: the weights to build in (`.json` JSON, anything else binary). */
  weights?: string;
  /** --inference --weights: which network the weights are for (default: the first). */
  network?: string;
}

const DUMPS = ['plan'] as const;

const kb = (s: string) => `${(Buffer.byteLength(s) / 1024).toFixed(0)} KB`;

/**
 * The files of one build: the four of every network (and its .wat when asked). CommonJS
 * (`cjs`): the module as <net>.cjs with its types as <net>.d.cts, which any package can
 * require() whatever its "type", and the test imports that file.
 */
export function buildFiles(compiled: CompiledNetwork[], dir: string, wat = false, format: 'esm' | 'cjs' = 'esm'): { path: string; data: string }[] {
  const cjs = format === 'cjs';
  return compiled.flatMap((c) => [
    { path: join(dir, `${c.stem}.ts`), data: c.ts },
    { path: join(dir, `${c.stem}.${cjs ? 'cjs' : 'js'}`), data: cjs ? c.cjs() : c.js },
    { path: join(dir, `${c.stem}.${cjs ? 'd.cts' : 'd.ts'}`), data: c.dts },
    // Inference modules have no generated test (CompiledNetwork.test is empty).
    ...(c.test === '' ? [] : [{ path: join(dir, `${c.stem}.test.ts`), data: cjs ? c.test.replace(/^(import \* as gen from '\.\/.*)\.js';$/m, "$1.cjs';") : c.test }]),
    ...(wat && c.wat ? [{ path: join(dir, `${c.stem}.wat`), data: c.wat() }] : []),
  ]);
}

export function build(file: string, opts: BuildOptions, print: (line: string) => void): void {
  if (opts.dtype !== 'f32' && opts.dtype !== 'f64') throw new UsageError(`cnnc: --dtype must be f32 or f64, got "${opts.dtype}"`);
  if (opts.dump !== undefined && !(DUMPS as readonly string[]).includes(opts.dump)) {
    throw new UsageError(`cnnc: --dump must be ${DUMPS.join(' or ')}, got "${opts.dump}"`);
  }
  const target = opts.target ?? defaultTarget(opts.dtype);
  if (target !== 'wasm' && target !== 'js') throw new UsageError(`cnnc: --target must be wasm or js, got "${target}"`);
  if (target === 'wasm' && opts.dtype === 'f64') {
    throw new UsageError('cnnc: --target wasm is float32 only (WebAssembly SIMD kernels); use --target js for --dtype f64');
  }
  const format = opts.module ?? 'esm';
  if (format !== 'esm' && format !== 'cjs') throw new UsageError(`cnnc: --module must be esm or cjs, got "${format}"`);
  if (opts.emit !== undefined && opts.emit !== 'wat') throw new UsageError(`cnnc: --emit must be wat, got "${opts.emit}"`);
  if (opts.emit === 'wat' && target !== 'wasm') throw new UsageError('cnnc: --emit wat needs --target wasm (the js target has no WebAssembly)');
  const convSchedule = opts.convSchedule ?? 'padded';
  if (convSchedule !== 'padded' && convSchedule !== 'split') {
    throw new UsageError(`cnnc: --conv-schedule must be padded or split, got "${convSchedule}"`);
  }
  if (opts.weights !== undefined && !opts.inference) throw new UsageError('cnnc: --weights needs --inference (only inference modules have weights built in)');
  if (opts.network !== undefined && opts.weights === undefined) throw new UsageError('cnnc: --network needs --inference --weights (the network the weights are for)');
  // An inference module never trains: bn's training-only warnings do not apply to it.
  const model = loadModel(file, opts.inference ? { ignore: TRAINING_WARNINGS } : {});
  // Inference: the weights are checked against the network here (UserError, exit 1: nothing written).
  const networks = opts.weights !== undefined ? [pickNetwork(model, opts.network)] : model.networks;
  const weights = opts.weights !== undefined ? readWeightsFile(opts.weights, networks[0]!) : undefined;
  if (opts.inference && weights === undefined) {
    process.stderr.write(`cnnc: note: --inference without --weights: the modules get the seeded initial weights (seed 0)\n`);
  }
  // A folder that cannot be written is found before the compiling, not after.
  if (!(opts.dump === 'plan' || opts.dumpPlan)) {
    try {
      checkOutputFolder(opts.out);
    } catch (e) {
      if (e instanceof WriteError) throw new UserError(`cnnc: cannot write the modules into ${opts.out}: ${e.reason}`);
      throw e;
    }
  }
  const started = performance.now();
  const compiled = opts.inference
    ? compileModel({ ...model, networks }, { dtype: opts.dtype, target, convSchedule, inference: true, weights, weightsSource: opts.weights })
    : compileModel(model, { dtype: opts.dtype, target, convSchedule });
  const ms = performance.now() - started;
  if (opts.dump === 'plan' || opts.dumpPlan) {
    print(JSON.stringify(compiled.map((c) => c.plan), null, 2));
    return;
  }
  const files = buildFiles(compiled, opts.out, opts.emit === 'wat', format);
  try {
    writeFilesAtomic(files);
  } catch (e) {
    if (e instanceof WriteError) throw new UserError(`cnnc: cannot write the modules into ${opts.out}: ${e.path}: ${e.reason}`);
    throw e;
  }
  for (const c of compiled) {
    const ext = `ts,${format === 'cjs' ? 'cjs,d.cts' : 'js,d.ts'}${c.test === '' ? '' : ',test.ts'}${opts.emit === 'wat' ? ',wat' : ''}`;
    print(`${c.name}: ${join(opts.out, c.stem)}.{${ext}} (js ${kb(c.js)}, ${c.kernels.length} kernels, ${c.plan.target} ${c.plan.dtype})`);
  }
  print(`compiled ${compiled.length} network${compiled.length === 1 ? '' : 's'} in ${(ms / 1000).toFixed(1)} s`);
}

export function register(program: Command): void {
  program
    .command('build', { isDefault: true })
    .description('compile every network of MODEL.cnn into DIR: <net>.ts, .js, .d.ts, .test.ts (the default command)')
    .argument('<model>', 'the .cnn file')
    .option('-o, --out <dir>', 'output directory', 'generated')
    .option('--target <target>', 'kernels as: wasm (WebAssembly SIMD inside the .js; the default for f32) or js (plain JavaScript; the default for f64)')
    .option('--dtype <dtype>', 'float type of the module: f32 or f64 (f64: js target only)', 'f32')
    .option('--emit <what>', 'also write: wat (the WebAssembly kernels as text, <net>.wat)')
    .option('--module <format>', 'esm (default: <net>.js, an ES module) or cjs (<net>.cjs and <net>.d.cts, CommonJS: for packages without "type": "module")')
    .option('--conv-schedule <schedule>', 'conv kernels: padded (zero-padded scratch copy, one unrolled body) or split (interior without bounds tests, each border region with its own clipped code)', 'padded')
    .option('--dump <what>', 'print instead of writing files: plan (the network plans the files are printed from: layers, kernels with their schedules, buffers, as JSON)')
    .option('--dump-plan', 'same as --dump plan')
    .option('--inference', 'inference modules: forward in inference mode only, weights built in; no backward, gradient or SGD code, no test file')
    .option('--weights <file>', 'with --inference: the weights to build in (.json JSON, anything else binary), checked against the network (without: the seeded initial weights, seed 0)')
    .option('--network <name>', 'with --inference --weights: the network the weights are for, the only one built (default: the first)')
    .action((file: string, opts: BuildOptions) => {
      build(file, opts, (line) => process.stdout.write(`${line}\n`));
    });
}
