// Data-parallel training and evaluation on worker threads (`--workers N`).
//
// Each mini-batch of T samples is split into N shards of ⌈T/N⌉ or ⌊T/N⌋ consecutive samples;
// shard 0 is computed by the main thread itself, shards 1 … N−1 by worker threads, each with
// a shard build of the network (PlanOptions.shard: every kernel planned for its shard's
// samples) and its own copy of the weights. What makes N workers compute the
// update one worker computes:
//   - bn: the shard build stops each bn kernel where a per-line sum is complete and calls
//     the Model's `reduce` hook, which here puts every worker's sums in shared memory,
//     waits for all (a barrier) and sums them in worker order: every worker normalises
//     with the statistics of the whole mini-batch (synchronised batch norm), and the
//     running statistics move identically everywhere.
//   - gradients: after backward each worker writes its (shard-summed) gradients to its slot
//     in shared memory; each sums a share of them over the slots in worker order, and
//     every worker copies the sums: all hold the whole mini-batch's gradient, bit for bit
//     the same, and their own SGD steps keep the copies identical without sending weights.
//   - the loss is the sum of the shards' losses (in worker order); outputs land in one
//     shared output block; pool paths, softmax and labels are per sample and need nothing.
// Sums in a different order than one worker's make the result equal within float
// rounding, not bit for bit.
//
// The main thread drives the workers through a few Int32 words of shared memory (command,
// sequence number, done count) with Atomics; it waits with Atomics.wait in short slices,
// turning its event loop between them (Ctrl-C, a worker's death). The weights live in one
// shared block too: `param()` returns views of it, so the training loop's divergence check,
// its copies and restores work unchanged; the workers write their weights there after every
// change (each a share), and reload them when the main thread may have written to them.
// Measured on the 2-core machine (bench/workers.mjs): a sleeping worker (a halted virtual
// CPU) wakes late, so workers spin briefly at barriers and between commands.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { compileNetwork } from '../emit/index.js';
import type { CheckedNetwork } from '../model/checked.js';
import { importGeneratedSource, type GeneratedModel } from '../engines/generated-module.js';
import type { ModuleMeta, TrainableModel } from './model.js';
import { FLOAT32_MAX, storableWithin } from '../weights/values.js';

/** The default number of workers: the machine's cores. */
export const defaultWorkers = (): number => availableParallelism();

/** Samples per worker: the first T mod N workers get one more (never more workers than samples). */
export function shardSizes(batch: number, workers: number): number[] {
  const n = Math.max(1, Math.min(workers, batch));
  return Array.from({ length: n }, (_, w) => Math.floor(batch / n) + (w < batch % n ? 1 : 0));
}

// Control words (Int32 indices in the control block).
const SEQ = 0; // bumped by the main thread for every command
const CMD = 1; // the command
const DONE = 2; // workers finished with the command
const ABORT = 3; // set when a worker failed: barriers give up
const BCOUNT = 4; // barrier arrivals
const BGEN = 5; // barrier generation
const ARG = 6; // command argument (a layer index)
const VERSION = 7; // bumped when the main thread may have written the shared weights
const CONTROL_WORDS = 16;

const FORWARD_TRAIN = 1, FORWARD_INFER = 2, BACKWARD = 3, STEP = 4, ACTIVATION = 5, TRAIN_STEP = 6, EXIT = 9;
/** The same numbers, handed to the worker program (which sees nothing of this module). */
const CODES = { SEQ, CMD, DONE, ABORT, BCOUNT, BGEN, ARG, VERSION, FORWARD_TRAIN, FORWARD_INFER, BACKWARD, STEP, ACTIVATION, TRAIN_STEP, EXIT };

/** Where worker w's data sits, and the shared blocks (as plain data for workerData). */
interface Layout {
  workers: number;
  index: number;
  start: number;
  samples: number;
  f64: boolean;
  perSample: number;
  perOutput: number;
  tensors: { layer: string; key: string; offset: number; size: number; learnable: boolean; gradOffset: number }[];
  learnableSize: number;
  maxSums: number;
  maxActivation: number;
  layers: string[];
  /** Milliseconds a worker spins at a barrier before it sleeps. */
  spin: number;
  /** The largest storable magnitude (FLOAT32_MAX: weights files hold float32). */
  storableMax: number;
  /** A test's fault injection: this worker exits in the middle of this command number. */
  fault: number | null;
  shared: {
    control: SharedArrayBuffer; args: SharedArrayBuffer; input: SharedArrayBuffer; labels: SharedArrayBuffer;
    output: SharedArrayBuffer; losses: SharedArrayBuffer; params: SharedArrayBuffer; grads: SharedArrayBuffer;
    reduce: SharedArrayBuffer; activation: SharedArrayBuffer;
    /** Per shard: 1 when its share of the weights after the last training step holds a number that is not storable. */
    unstorable: SharedArrayBuffer;
  };
}

/**
 * One shard's side of every command: the main thread runs shard 0 with it, each worker
 * thread another shard. It is also printed into the workers' source (WORKER_SOURCE), so it
 * must be self-contained: it uses nothing from this file's scope, only its arguments.
 * `execute` throws what the model throws, or an error with `aborted` set when another
 * shard failed while this one waited for it.
 */
function participant(
  layout: Layout, codes: typeof CODES, Model: new (options: object) => GeneratedModel,
  storableWithin: (a: ArrayLike<number>, max: number) => boolean,
): { execute(cmd: number): void } {
  const { ABORT, BCOUNT, BGEN, ARG, VERSION, FORWARD_TRAIN, FORWARD_INFER, BACKWARD, STEP, ACTIVATION, TRAIN_STEP } = codes;
  const L = layout;
  const N = L.workers;
  const me = L.index;
  const S = L.shared;
  /** A float view (the network's dtype) of `n` numbers at element `at` of a shared block. */
  const floats = (buf: SharedArrayBuffer, at: number, n: number): Float32Array | Float64Array =>
    L.f64 ? new Float64Array(buf, at * 8, n) : new Float32Array(buf, at * 4, n);
  const ctrl = new Int32Array(S.control);
  const args = new Float64Array(S.args);
  const input = floats(S.input, L.start * L.perSample, L.samples * L.perSample);
  const labels = new Float64Array(S.labels, L.start * L.perOutput * 8, L.samples * L.perOutput);
  const output = floats(S.output, L.start * L.perOutput, L.samples * L.perOutput);
  const losses = new Float64Array(S.losses);
  const unstorable = new Int32Array(S.unstorable);
  const params = L.tensors.map((t) => floats(S.params, t.offset, t.size));
  const gradSlots = Array.from({ length: N }, (_, w) => floats(S.grads, w * L.learnableSize, L.learnableSize));
  // Two regions of reduce slots, used in turn: a shard that left one exchange may write
  // the next before a slower one has read this one, never the one after (a barrier between).
  const reduceSlots = [0, 1].map((r) => Array.from({ length: N }, (_, w) => new Float64Array(S.reduce, ((r * N + w) * L.maxSums) * 8, L.maxSums)));
  let exchanges = 0;

  const aborted = (): Error => Object.assign(new Error('another shard failed'), { aborted: true });
  const barrier = (): void => {
    const gen = Atomics.load(ctrl, BGEN);
    if (Atomics.add(ctrl, BCOUNT, 1) === N - 1) {
      Atomics.store(ctrl, BCOUNT, 0);
      Atomics.add(ctrl, BGEN, 1);
      Atomics.notify(ctrl, BGEN);
      return;
    }
    // Spin first (the others are usually microseconds away; waking from a sleep costs tens of
    // microseconds), long when every thread has a core of its own, briefly when they share.
    const until = performance.now() + L.spin;
    for (let i = 1; ; i++) {
      if (Atomics.load(ctrl, BGEN) !== gen) return;
      if ((i & 63) === 0 && performance.now() > until) break;
    }
    while (Atomics.load(ctrl, BGEN) === gen) {
      if (Atomics.load(ctrl, ABORT)) throw aborted();
      Atomics.wait(ctrl, BGEN, gen, 50);
    }
  };
  /** Replaces `values` by the sum over every shard's `values`, in shard order. */
  const allReduce = (values: Float64Array): void => {
    const slots = reduceSlots[exchanges++ & 1];
    slots[me].set(values);
    barrier();
    const n = values.length;
    for (let i = 0; i < n; i++) {
      let s = slots[0][i];
      for (let w = 1; w < N; w++) s += slots[w][i];
      values[i] = s;
    }
  };

  const model = new Model({ seed: 0, reduce: (sums: Float64Array) => allReduce(sums) });
  const own = L.tensors.map((t) => model.param(t.layer, t.key));
  const grads = L.tensors.map((t) => (t.learnable ? model.grad(t.layer, t.key) : null));
  let version = -1;
  const load = (): void => {
    const v = Atomics.load(ctrl, VERSION);
    if (v === version) return;
    own.forEach((a, i) => a.set(params[i]));
    version = v;
  };
  // This shard's share of a range of n numbers: the work of copying and summing is split evenly.
  const lo = (n: number) => Math.floor((n * me) / N);
  const hi = (n: number) => Math.floor((n * (me + 1)) / N);
  const totalParams = L.tensors.reduce((a, t) => a + t.size, 0);
  /** Copies this shard's share of the weights (learnable ones, or bn's running statistics) to shared memory. */
  const store = (learnable: boolean): void => {
    const from = lo(totalParams), to = hi(totalParams);
    L.tensors.forEach((t, i) => {
      if (t.learnable !== learnable) return;
      const a = Math.max(from, t.offset) - t.offset, b = Math.min(to, t.offset + t.size) - t.offset;
      if (a < b) params[i].set(own[i].subarray(a, b), a);
    });
  };
  // Gradients: every shard puts its own in its slot; each sums its share of the numbers
  // over the slots in shard order into slot 0 (nobody else reads that share); then every
  // shard copies slot 0, so all hold the same sums.
  const from = lo(L.learnableSize), to = hi(L.learnableSize);
  const total = gradSlots[0];
  const reduceGrads = (): void => {
    const mine = gradSlots[me];
    L.tensors.forEach((t, i) => { if (grads[i]) mine.set(grads[i], t.gradOffset); });
    barrier();
    for (let w = 1; w < N; w++) {
      // Slot by slot, in shard order: the same sums as adding all N at once, in straight loops.
      const g = gradSlots[w];
      for (let j = from; j < to; j++) total[j] += g[j];
    }
    barrier();
    L.tensors.forEach((t, i) => { if (grads[i]) grads[i].set(total.subarray(t.gradOffset, t.gradOffset + t.size)); });
  };
  // The training loop's check after every step (every number storable: finite, within
  // float32), done by each shard on its share of the shared weights, which it wrote itself:
  // in parallel, instead of by the main thread alone between steps.
  const all = floats(S.params, 0, totalParams);
  const storable = (): boolean => storableWithin(all.subarray(lo(totalParams), hi(totalParams)), L.storableMax);
  // The passes, each with what the shards do around it.
  const forwardPass = (training: boolean): void => {
    load();
    output.set(model.forward(input, { training }));
    if (training) store(false); // bn's running statistics moved
  };
  const backwardPass = (): void => {
    losses[me] = model.backward(labels);
    reduceGrads(); // its barriers also make every shard's loss visible
  };
  const stepPass = (): void => {
    model.step({ lr: args[0], momentum: args[1] });
    store(true);
  };
  const execute = (cmd: number): void => {
    if (cmd === FORWARD_TRAIN || cmd === FORWARD_INFER) {
      forwardPass(cmd === FORWARD_TRAIN);
    } else if (cmd === BACKWARD) {
      backwardPass();
    } else if (cmd === STEP) {
      stepPass();
    } else if (cmd === TRAIN_STEP) {
      // forward, backward, gradients summed, and the step unless the loss of the whole
      // mini-batch (the shards' losses summed in shard order, as the main thread does) is not finite.
      forwardPass(true);
      backwardPass();
      let loss = 0;
      for (let w = 0; w < N; w++) loss += losses[w];
      unstorable[me] = 0;
      if (Number.isFinite(loss)) {
        stepPass();
        unstorable[me] = storable() ? 0 : 1;
      }
    } else if (cmd === ACTIVATION) {
      const name = L.layers[Atomics.load(ctrl, ARG)];
      const a = model.activation(name);
      floats(S.activation, L.start * a.length / L.samples, a.length).set(a);
    }
  };
  return { execute };
}

/**
 * storableWithin (src/weights/values.ts) as the workers' source defines it. A name of its own:
 * test runners rewrite references to imported names, which the worker's source does not have.
 */
declare const workerStorable: typeof storableWithin;

/**
 * A worker thread's program: shards 1 … N−1 (the main thread computes shard 0). It runs as
 * an `eval` worker (so no file has to sit beside the compiled code, and tests running the
 * TypeScript sources work the same); `participant` is printed beside it (WORKER_SOURCE).
 */
function workerProgram(threads: typeof import('node:worker_threads')): void {
  const { workerData, parentPort } = threads;
  const { source, layout, codes } = workerData as { source: string; layout: Layout; codes: typeof CODES };
  const { SEQ, CMD, DONE, ABORT, BGEN, EXIT } = codes;
  const L = layout;
  const ctrl = new Int32Array(L.shared.control);
  const fail = (e: unknown): void => {
    Atomics.store(ctrl, ABORT, 1);
    Atomics.notify(ctrl, BGEN);
    if (!(e as { aborted?: boolean })?.aborted) parentPort!.postMessage({ error: String((e as Error)?.message ?? e) });
  };
  // A thread that ends (process.exit, a crash that runs exit handlers) must not leave the
  // main thread waiting at a barrier for it.
  process.on('exit', () => { Atomics.store(ctrl, ABORT, 1); Atomics.notify(ctrl, BGEN); Atomics.notify(ctrl, DONE); });
  (async () => {
    // import() through a Function: bundlers and test runners rewrite a literal import() in source text.
    const importUrl = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
    const mod = (await importUrl(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`)) as {
      Model: new (options: object) => GeneratedModel;
    };
    const shard = participant(L, codes, mod.Model, workerStorable);
    parentPort!.postMessage({ ready: true });
    let seen = 0;
    let commands = 0;
    for (;;) {
      // The next command usually follows within a fraction of a millisecond: spin that long
      // (waking a sleeping thread, on a virtual machine a halted CPU, costs more).
      const until = performance.now() + L.spin * 3;
      for (let i = 1; Atomics.load(ctrl, SEQ) === seen; i++) if ((i & 63) === 0 && performance.now() > until) break;
      Atomics.wait(ctrl, SEQ, seen);
      seen = Atomics.load(ctrl, SEQ);
      const cmd = Atomics.load(ctrl, CMD);
      if (cmd === EXIT) return;
      commands++;
      try {
        if (L.fault === commands) process.exit(3);
        shard.execute(cmd);
      } catch (e) {
        fail(e);
      }
      Atomics.add(ctrl, DONE, 1);
      Atomics.notify(ctrl, DONE);
    }
  })().catch(fail);
}

/**
 * The worker's source (participant and the weights check beside its program): import()
 * works whether Node evaluates it as a script or, when the parent runs with
 * --input-type=module, as a module (where `require` does not exist).
 */
const WORKER_SOURCE = `const participant = ${participant.toString()};\nconst workerStorable = ${storableWithin.toString()};\n` +
  `import('node:worker_threads').then(${workerProgram.toString()});`;

/** The main thread's longest uninterrupted wait for the workers, in ms. */
const WAIT_SLICE_MS = 20;

export interface ParallelOptions {
  workers: number;
  dtype: 'f32' | 'f64';
  target: 'js' | 'wasm';
  /** Seed of the initial weights (as a Model's). */
  seed?: number;
  /** Tests: worker `worker` exits (as a crash would end it) during its `command`-th command. */
  fault?: { worker: number; command: number };
}

/** A worker stopped (crashed, or threw): the run cannot go on. */
export class WorkerFailure extends Error {}

/**
 * A Model whose every mini-batch is computed by N workers. It offers what training and
 * evaluation use (forward, backward and step return promises); the weights JSON and binary
 * forms go through an ordinary Model of the network, which also gives the initial weights.
 * `close()` ends the workers.
 */
export class ParallelModel implements TrainableModel {
  readonly workers: number;
  readonly shards: number[];
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private readonly input: Float32Array | Float64Array;
  private readonly labels: Float64Array;
  private readonly output: Float32Array | Float64Array;
  private readonly losses: Float64Array;
  private readonly unstorable: Int32Array;
  private readonly params: Map<string, Float32Array | Float64Array>;
  private readonly activationBlock: SharedArrayBuffer;
  private readonly threads: Worker[];
  private readonly shard0: { execute(cmd: number): void };
  private failure: Error | null = null;
  private readonly failed: Promise<never>;
  private closed = false;

  private constructor(
    /** The ordinary module's meta (batch: the whole mini-batch). */
    readonly meta: ModuleMeta,
    private readonly net: CheckedNetwork,
    private readonly local: GeneratedModel,
    private readonly layout: Omit<Layout, 'index' | 'start' | 'samples' | 'fault'>,
    sources: Map<number, string>,
    Shard0: new (options: object) => GeneratedModel,
    options: ParallelOptions,
  ) {
    const L = layout;
    const S = L.shared;
    this.shards = shardSizes(net.batch, options.workers);
    this.workers = this.shards.length;
    const floats = (buf: SharedArrayBuffer, at = 0, n?: number): Float32Array | Float64Array =>
      L.f64 ? new Float64Array(buf, at * 8, n) : new Float32Array(buf, at * 4, n);
    this.ctrl = new Int32Array(S.control);
    this.args = new Float64Array(S.args);
    this.input = floats(S.input);
    this.labels = new Float64Array(S.labels);
    this.output = floats(S.output);
    this.losses = new Float64Array(S.losses);
    this.unstorable = new Int32Array(S.unstorable);
    this.activationBlock = S.activation;
    this.params = new Map(L.tensors.map((t) => [`${t.layer}\0${t.key}`, floats(S.params, t.offset, t.size)]));
    // The initial weights: `local`'s (seeded as one worker's Model; see create()).
    for (const t of L.tensors) this.params.get(`${t.layer}\0${t.key}`)!.set(local.param(t.layer, t.key));
    let fail!: (e: Error) => void;
    this.failed = new Promise<never>((_, reject) => { fail = reject; });
    this.failed.catch(() => undefined); // observed by run(); never an unhandled rejection
    // Shard 0 is this thread's: it computes while the workers do, instead of waiting for them
    // (one thread fewer to wake every step; measured: 1.56× → see bench/workers.mjs).
    this.shard0 = participant({ ...L, index: 0, start: 0, samples: this.shards[0]!, fault: null }, CODES, Shard0, storableWithin);
    let start = this.shards[0]!;
    this.threads = this.shards.slice(1).map((samples, i) => {
      const index = i + 1;
      const fault = options.fault?.worker === index ? options.fault.command : null;
      const workerLayout: Layout = { ...L, index, start, samples, fault };
      start += samples;
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { source: sources.get(samples), layout: workerLayout, codes: CODES } });
      const stop = (why: string): void => {
        if (this.closed || this.failure) return;
        this.failure = new WorkerFailure(`worker ${index + 1} of ${this.workers} stopped: ${why}`);
        Atomics.store(this.ctrl, ABORT, 1);
        Atomics.notify(this.ctrl, BGEN);
        fail(this.failure);
      };
      w.on('message', (m: { error?: string }) => { if (m.error !== undefined) stop(m.error); });
      w.on('error', (e) => stop(String(e?.message ?? e)));
      w.on('exit', (code) => stop(`it exited with code ${code}`));
      return w;
    });
  }

  /** Compiles the shard builds, starts the workers and waits until each has its module. */
  static async create(net: CheckedNetwork, options: ParallelOptions): Promise<ParallelModel> {
    const shards = shardSizes(net.batch, options.workers);
    const sources = new Map<number, string>();
    for (const s of new Set(shards)) sources.set(s, compileNetwork(net, { dtype: options.dtype, target: options.target, shard: s }).js);
    // The weights, their seeded initial values and their JSON and binary forms do not depend
    // on the batch: shard 0's module serves for them and for the meta (with the whole batch),
    // instead of compiling the ordinary build too (one compile, ~0.35 s for LeNet, fewer).
    // That Model never runs a pass, so its bn exchange hook does nothing.
    const shard0 = await importGeneratedSource(sources.get(shards[0]!)!);
    const local = new shard0.Model({ seed: options.seed ?? 0, reduce: () => undefined } as object);
    const { shard: _, ...shardMeta } = shard0.meta as typeof shard0.meta & { shard?: unknown };
    const meta = { ...shardMeta, batch: net.batch };
    const per = meta.input[0] * meta.input[1] * meta.input[2];
    const K = meta.output[0] * meta.output[1] * meta.output[2];
    const f64 = options.dtype === 'f64';
    const B = f64 ? 8 : 4;
    let offset = 0;
    let gradOffset = 0;
    const tensors = (meta.layers ?? []).flatMap((l) => l.params.map((p) => {
      const size = p.shape.reduce((a, b) => a * b, 1);
      const t = { layer: l.name, key: p.key, offset, size, learnable: p.learnable, gradOffset: p.learnable ? gradOffset : -1 };
      offset += size;
      if (p.learnable) gradOffset += size;
      return t;
    }));
    const maxSums = Math.max(1, ...net.layers.map((l) => (l.op === 'bn' ? 2 * (l.mode === 'position' ? l.input.c * l.input.h * l.input.w : l.input.c) : 0)));
    const maxActivation = Math.max(1, ...net.layers.map((l) => l.output.c * l.output.h * l.output.w));
    const T = net.batch;
    const N = shards.length;
    const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
    const layout = {
      workers: N, f64, spin: N <= availableParallelism() ? 0.1 : 0.01, storableMax: FLOAT32_MAX, perSample: per, perOutput: K, tensors, learnableSize: gradOffset, maxSums, maxActivation,
      layers: net.layers.map((l) => l.name),
      shared: {
        control: sab(CONTROL_WORDS * 4), args: sab(8 * 8), input: sab(T * per * B), labels: sab(T * K * 8),
        output: sab(T * K * B), losses: sab(N * 8), params: sab(offset * B), grads: sab(N * gradOffset * B),
        reduce: sab(2 * N * maxSums * 8), activation: sab(T * maxActivation * B), unstorable: sab(N * 4),
      },
    };
    const model = new ParallelModel(meta, net, local, layout, sources, shard0.Model as unknown as new (options: object) => GeneratedModel, options);
    try {
      await Promise.race([Promise.all(model.threads.map((w) => new Promise<void>((resolve) => {
        w.on('message', (m: { ready?: boolean }) => { if (m.ready) resolve(); });
      }))), model.failed]);
    } catch (e) {
      await model.close();
      throw e;
    }
    // Idle workers sleep on a futex for ever: between calls they must not keep the process
    // alive (a program that forgets close() still ends); run() holds them while it waits.
    model.hold(false);
    return model;
  }

  private hold(on: boolean): void {
    for (const w of this.threads) if (on) w.ref(); else w.unref();
  }

  /** Runs one command on every worker and waits for all of them. */
  private async run(cmd: number, arg = 0): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new WorkerFailure('the workers were closed');
    this.hold(true);
    try {
      await this.command(cmd, arg);
    } finally {
      this.hold(false);
    }
  }

  private async command(cmd: number, arg: number): Promise<void> {
    const c = this.ctrl;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, CMD, cmd);
    Atomics.store(c, ARG, arg);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
    try {
      this.shard0.execute(cmd);
    } catch (e) {
      if (!(e as { aborted?: boolean }).aborted) {
        // This thread's own shard failed: stop the workers waiting for it; the model is done.
        Atomics.store(c, ABORT, 1);
        Atomics.notify(c, BGEN);
        this.failure = e instanceof Error ? e : new Error(String(e));
        throw e;
      }
    }
    // Then wait for the workers: a short spin, then the futex (its wake costs microseconds, a
    // promise of Atomics.waitAsync an event loop turn) in slices short enough that Ctrl-C and
    // a worker's death (events) are seen.
    const workers = this.threads.length;
    const until = performance.now() + this.layout.spin * 3;
    for (let i = 1; Atomics.load(c, DONE) < workers; i++) if ((i & 63) === 0 && performance.now() > until) break;
    let done: number;
    while ((done = Atomics.load(c, DONE)) < workers) {
      if (Atomics.wait(c, DONE, done, WAIT_SLICE_MS) === 'timed-out') {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.failure) throw this.failure;
      }
    }
    // A worker that threw counted itself done and posted its error: wait for the message.
    if (Atomics.load(c, ABORT) && !this.failure) await this.failed.catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  private dirty(): void {
    Atomics.add(this.ctrl, VERSION, 1);
  }

  async forward(input: ArrayLike<number>, options?: { training?: boolean }): Promise<Float32Array | Float64Array> {
    if (input.length !== this.input.length) throw new RangeError(`forward: input has ${input.length} numbers, expected ${this.input.length}`);
    this.input.set(input);
    await this.run(options?.training ?? true ? FORWARD_TRAIN : FORWARD_INFER);
    return this.output;
  }

  async backward(labels: ArrayLike<number>): Promise<number> {
    if (labels.length !== this.labels.length) throw new RangeError(`backward: labels has ${labels.length} numbers, expected ${this.labels.length}`);
    this.labels.set(labels);
    await this.run(BACKWARD);
    let loss = 0;
    for (let w = 0; w < this.workers; w++) loss += this.losses[w];
    return loss;
  }

  async step(options: { lr: number; momentum?: number }): Promise<void> {
    this.args[0] = options.lr;
    this.args[1] = options.momentum ?? 0;
    await this.run(STEP);
  }

  /**
   * forward (training), backward and, when the mini-batch's loss is finite, the SGD step: one
   * round trip to the workers. `storable`: whether every weight and running statistic after
   * the step is storable, checked by the shards (each its share) while they still run.
   */
  async trainStep(input: ArrayLike<number>, labels: ArrayLike<number>, options: { lr: number; momentum?: number }): Promise<{ y: Float32Array | Float64Array; loss: number; storable: boolean }> {
    if (input.length !== this.input.length) throw new RangeError(`trainStep: input has ${input.length} numbers, expected ${this.input.length}`);
    if (labels.length !== this.labels.length) throw new RangeError(`trainStep: labels has ${labels.length} numbers, expected ${this.labels.length}`);
    this.input.set(input);
    this.labels.set(labels);
    this.args[0] = options.lr;
    this.args[1] = options.momentum ?? 0;
    await this.run(TRAIN_STEP);
    let loss = 0;
    let storable = true;
    for (let w = 0; w < this.workers; w++) {
      loss += this.losses[w];
      if (this.unstorable[w]) storable = false;
    }
    return { y: this.output, loss, storable };
  }

  /** A view of the shared weights (writes reach the workers before their next forward pass). */
  param(layer: string, key: string): Float32Array | Float64Array {
    const t = this.params.get(`${layer}\0${key}`);
    if (!t) throw new RangeError(`no parameter ${key} in layer ${JSON.stringify(layer)}`);
    this.dirty();
    return t;
  }

  /** The layer's output for the whole mini-batch of the last forward pass (gathered from the workers). */
  async activation(layer: string): Promise<Float32Array | Float64Array> {
    const i = this.layout.layers.indexOf(layer);
    if (i < 0) throw new RangeError(`no layer named ${JSON.stringify(layer)}`);
    await this.run(ACTIVATION, i);
    const l = this.net.layers[i];
    const n = this.net.batch * l.output.c * l.output.h * l.output.w;
    return this.layout.f64 ? new Float64Array(this.activationBlock, 0, n) : new Float32Array(this.activationBlock, 0, n);
  }

  private toLocal(): GeneratedModel {
    for (const t of this.layout.tensors) this.local.param(t.layer, t.key).set(this.params.get(`${t.layer}\0${t.key}`)!);
    return this.local;
  }

  private fromLocal(): void {
    for (const t of this.layout.tensors) this.params.get(`${t.layer}\0${t.key}`)!.set(this.local.param(t.layer, t.key));
    this.dirty();
  }

  toJSON(): Record<string, Record<string, number[]>> { return this.toLocal().toJSON(); }
  toBinary(): Uint8Array { return this.toLocal().toBinary(); }
  loadJSON(weights: unknown): void { this.local.loadJSON(weights); this.fromLocal(); }
  loadBinary(bytes: ArrayBuffer | Uint8Array): void { this.local.loadBinary(bytes); this.fromLocal(); }

  /** Ends the workers (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, CMD, EXIT);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    await Promise.all(this.threads.map((w) => w.terminate()));
  }
}

