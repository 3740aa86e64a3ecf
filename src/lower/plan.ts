// The network plan: everything the emitters print, decided here in src/lower/ and nowhere
// else. Plain data (JSON.stringify / JSON.parse give it back whole: `cnnc build --dump plan`
// prints exactly what the emitters consumed). Types only: emitters (JavaScript today,
// WebAssembly next) import these types (through src/lower/types.ts) and nothing else from
// src/lower/.
//
//   NetworkPlan
//     layers[]   LayerPlan: op, shapes, options, parameter tensors, kernel names by role
//     kernels[]  KernelPlan: every exported kernel, a tagged union on `kind` (one member per
//                op and schedule) holding all the numbers its printer needs
//     memory     MemoryPlan: every buffer the model owns, in one 16-byte aligned linear layout
//     wasm       target wasm: the module's memory pages and shared scratch buffer (each
//                kernel's wasm schedule is its KernelPlan.wasm)
//     checked    the checked network itself (the generated test embeds it)
import type { CheckedNetwork, Layer, ParamSpec } from '../model/checked.js';
import type { Weights } from '../model/weights.js';
import type { PaddedConvPlan } from './conv-padded.js';
import type { ConvPass, ConvPassPlan } from './conv.js';
import type { PoolPlan } from './pool.js';
import type { CorrBlocking, GradBlocking } from './wasm-conv.js';
import type { FullBlocking } from './wasm-full.js';

export type Dtype = 'f32' | 'f64';

// `infer`: bn's forward with the running statistics (its `forward` uses batch statistics).
// `loss`: softmax's cross-entropy, returning J and writing y - z (its `backward` is the
// Jacobian, used when a backward pass starts from an output sensitivity).
// Shard builds (PlanOptions.shard) split bn at the points where the statistics of the
// whole mini-batch are exchanged between workers: `stats` (Σx per line), `spread`
// (Σ(x−μ)² per line, μ from the exchanged sums) and `backsums` (Σdy and Σdy·x̂); `forward`
// and `backward` then read the exchanged sums.
export type KernelRole = 'forward' | 'backward' | 'grad' | 'path' | 'infer' | 'loss' | 'stats' | 'spread' | 'backsums';

/** Options of the planning (the command line's --dtype and --conv-schedule). */
/**
 * What the kernels are printed as: `wasm` (the default for float32) is one WebAssembly SIMD
 * module the generated file carries; `js` is plain JavaScript (the only target for float64).
 */
export type Target = 'js' | 'wasm';

export interface PlanOptions {
  dtype?: Dtype;
  /** Default: `wasm` for f32, `js` for f64 (WebAssembly kernels are float32 only). */
  target?: Target;
  /**
   * Conv schedule: `padded` (default) copies each map into a zero-padded scratch buffer and
   * runs one unrolled body everywhere (falling back to `split` with rolled taps when even
   * that body is over the budget); `split` gives the interior and each border region their
   * own code with clipped windows.
   */
  convSchedule?: 'padded' | 'split';
  /** The model file as given (only its base name, made harmless, goes into the plan). */
  source?: string;
  /**
   * A shard build for data-parallel training: the module computes `shard` samples (1 ≤
   * shard ≤ the network's batch T) of a mini-batch of T split between workers. Every
   * per-sample kernel is planned for `shard` samples; bn's statistics stay those of the
   * whole mini-batch: its kernels are split where the sums are exchanged (the Model's
   * `reduce` hook). Absent: the ordinary build, byte for byte.
   */
  shard?: number;
  /**
   * An inference build (`cnnc build --inference`): only each layer's inference-mode kernel
   * (its `infer` role where it has one, else `forward`) and the buffers those read and write,
   * with the weights embedded (NetworkPlan.weights). Absent: the ordinary build, byte for byte.
   */
  inference?: boolean;
  /** Inference builds: the weights to embed (checked against the network); absent: the seeded initialisation, seed 0. */
  weights?: Weights;
  /** Inference builds: where the weights came from, for the module header (a base name). */
  weightsSource?: string;
}

/**
 * The weights an inference plan embeds: every `param` buffer of the buffer table, in table
 * order, each `bytes` long, little-endian in the plan's dtype, concatenated, as base64.
 */
export interface EmbeddedWeights {
  base64: string;
  /** The weights file's base name (harmless characters only), for comments; null: the seeded initialisation, seed 0. */
  file: string | null;
}

/** A shard build: this module computes `batch` of the `of` samples of each mini-batch. */
export interface ShardPlan {
  batch: number;
  of: number;
}

/** One parameter of a kernel's signature, in call order. */
export interface KernelParam {
  name: string;
  /** `F` is the module's float array type; bn's backward takes a `training` flag; bn's shard sums are float64. */
  type: 'F' | 'Int32Array' | 'Float64Array' | 'boolean';
  /**
   * The buffer the model passes for it: a MemoryPlan.index key (`x` is the layer's input,
   * `y` its activation, `dy` its sensitivity, `dx` its input's sensitivity, `w` … its
   * parameters, `dw` … their gradients, `xhat`/`invStd` its caches, `path` its path, `z` the
   * labels); null for a flag. Filled in by planNetwork (null in plans of a single layer).
   */
  buffer?: string | null;
}

interface KernelCommon {
  /** Index of the layer in NetworkPlan.layers. */
  layer: number;
  role: KernelRole;
  /** Exported name, `<layer>_<role>`. */
  name: string;
  /** Prefix of the kernel's helper functions and scratch arrays: `<layer>$`. */
  helperPrefix: string;
  params: KernelParam[];
  returns: 'void' | 'number';
  /** The schedule in words: the comment above the kernel. */
  schedule: string;
  /** Multiply-adds of one call, whole batch (0 for kernels without). */
  macs: number;
  /**
   * A module-level scratch array the kernel owns (the padded conv's zero-padded map of one
   * sample): its elements, and its buffer id in MemoryPlan.buffers. null: none.
   */
  scratch: { elements: number; buffer: number } | null;
  /**
   * Target wasm: the WebAssembly kernel's schedule (src/lower/wasm-<op>.ts); null for target
   * js (absent in kernel plans made outside planNetwork, e.g. for one layer's benchmark).
   */
  wasm?: WasmKernelPlan | null;
}

/**
 * The schedule of one WebAssembly kernel variant, a tagged union on `kind`: conv's
 * correlation (forward, backward) and grad blockings (src/lower/wasm-conv.ts), full's
 * blocking per role (src/lower/wasm-full.ts).
 */
export type WasmSchedule =
  | ({ kind: 'conv-corr' } & CorrBlocking)
  | ({ kind: 'conv-grad' } & GradBlocking)
  | ({ kind: 'full-forward' } & FullBlocking['fwd'])
  | ({ kind: 'full-backward' } & FullBlocking['bwd'])
  | ({ kind: 'full-grad' } & FullBlocking['grad']);

/**
 * A kernel's WebAssembly schedule: one per module variant (`plain` SIMD with mul + add,
 * `relaxed` SIMD with f32x4.relaxed_madd), null for the ops whose wasm kernels have one
 * schedule (pool, bn, relu, softmax: their constants, and the few choices they make from the
 * layer — bn's batch unroll for T ≤ 32, pool's f32x4 for column strides 1 and 2 — are still
 * in src/wasm/kernels/<op>.ts);
 * and the bytes of the shared wasm scratch buffer (NetworkPlan.wasm.scratch) it uses, 0 if none.
 */
export interface WasmKernelPlan {
  plain: WasmSchedule | null;
  relaxed: WasmSchedule | null;
  scratchBytes: number;
}

/** Target wasm: what the WebAssembly module needs beside the kernels. */
export interface WasmNetworkPlan {
  /**
   * The buffer id (MemoryPlan.buffers) of the wasm kernels' scratch, `scratch/-1/wasm`: one
   * region shared by all kernels (they run one at a time), sized by the largest need, 64-byte
   * aligned, after every other buffer; null when no kernel needs scratch.
   */
  scratch: number | null;
  /** 64 KiB pages of the module's memory: the layout with the scratch, plus 64 bytes, rounded up. */
  pages: number;
}

/** Conv pass over a zero-padded scratch map (src/lower/conv-padded.ts). */
export interface ConvPaddedKernel extends KernelCommon {
  kind: 'conv-padded';
  pass: ConvPass;
  conv: PaddedConvPlan;
  scratch: { elements: number; buffer: number };
}

/** Conv pass split into interior and clipped border regions (src/lower/conv.ts). */
export interface ConvSplitKernel extends KernelCommon {
  kind: 'conv-split';
  pass: ConvPass;
  conv: ConvPassPlan;
}

/** Pool forward (no path) or path: regions of clipped windows (src/lower/pool.ts). */
export interface PoolSweepKernel extends KernelCommon {
  kind: 'pool-sweep';
  withPath: boolean;
  pool: PoolPlan;
}

/** Pool backward: every map's outputs routed along the path. */
export interface PoolBackwardKernel extends KernelCommon {
  kind: 'pool-backward';
  /** Maps (T·C), numbers per input map and per output map. */
  maps: number;
  inMap: number;
  outMap: number;
}

/** A run `start .. end-1` of samples or weight rows, `step` at a time (one tile size). */
export interface Segment {
  start: number;
  end: number;
  step: number;
}

/** Full connection with register tiles (src/lower/full.ts). */
export interface FullTilesKernel extends KernelCommon {
  kind: 'full-tiles';
  pass: 'forward' | 'backward' | 'grad';
  T: number;
  /** Numbers per sample in (C_l·H_l·W_l) and rows of w (C_r). */
  K: number;
  C: number;
  bias: boolean;
  /** Tile loops: forward and backward samples outer, rows inner; grad rows outer, samples inner. */
  outer: Segment[];
  inner: Segment[];
}

/** Batch normalisation over `count` lines of `n` values (src/lower/bn.ts). */
export interface BnKernel extends KernelCommon {
  kind: 'bn';
  mode: 'position' | 'channel';
  T: number;
  C: number;
  /** H·W of one map. */
  HW: number;
  count: number;
  n: number;
  eps: number;
  momentum: number;
  /**
   * Shard builds: the kernel reads or writes the layer's `sums` cache (float64, 2 × count:
   * two sums per line, exchanged between workers), and `N` is a line's length over the whole
   * mini-batch (the divisor of the statistics); absent in ordinary builds.
   */
  sync?: { N: number };
}

export interface ReluKernel extends KernelCommon {
  kind: 'relu';
  /** Elements of the whole batch. */
  n: number;
}

export interface SoftmaxKernel extends KernelCommon {
  kind: 'softmax';
  T: number;
  K: number;
}

export type KernelPlan =
  | ConvPaddedKernel | ConvSplitKernel | PoolSweepKernel | PoolBackwardKernel
  | FullTilesKernel | BnKernel | ReluKernel | SoftmaxKernel;
export type KernelKind = KernelPlan['kind'];

export type ElementType = 'f32' | 'f64' | 'i32';

/**
 * What a buffer holds. `layer` is -1 for the network's own (input, inputSensitivity,
 * labels); `key` is the parameter key (param, grad, momentum), the cache name (cache), the
 * kernel role (scratch), else ''.
 */
export type BufferKind =
  | 'input' | 'inputSensitivity' | 'activation' | 'sensitivity' | 'path'
  | 'param' | 'grad' | 'momentum' | 'cache' | 'labels' | 'scratch';

export interface BufferPlan {
  id: number;
  kind: BufferKind;
  layer: number;
  key: string;
  /** `<kind>/<layer>/<key>`: the key of MemoryPlan.index. */
  name: string;
  elements: number;
  type: ElementType;
  /** Byte offset in the linear layout (a multiple of MemoryPlan.align) and byte length. */
  offset: number;
  bytes: number;
}

export interface MemoryPlan {
  /** Every buffer starts at a multiple of `align` bytes and is followed by `guard` unused bytes. */
  align: number;
  guard: number;
  buffers: BufferPlan[];
  /** Buffer id by `<kind>/<layer>/<key>` (e.g. `param/0/w`, `activation/3/`, `input/-1/`). */
  index: Record<string, number>;
  /** Bytes of the whole layout, guards included (a multiple of `align`). */
  totalBytes: number;
}

export interface LayerPlan {
  index: number;
  name: string;
  op: Layer['op'];
  input: [number, number, number];
  output: [number, number, number];
  /** The layer's options as written in .cnn (`kernel=5x5 anchor=(2,2)`), for the header. */
  attributes: string;
  /** Numbers in the output block (T·C·H·W). */
  activation: number;
  /** Numbers in ∂J/∂output (0 in an inference plan: it has none). */
  sensitivity: number;
  /** Int32 entries of the pool path; null for other ops. */
  path: number | null;
  /** Caches forward fills for backward (bn: xhat, invStd; in shard builds also the float64 `sums`). */
  cache: { key: string; size: number; type?: ElementType }[];
  params: Pick<ParamSpec, 'key' | 'shape' | 'size' | 'learnable' | 'init' | 'fanIn'>[];
  /** Exported kernel names by role (the kernels themselves are in NetworkPlan.kernels). */
  kernels: Partial<Record<KernelRole, string>>;
}

export interface NetworkPlan {
  /** Format version of this plan. */
  planVersion: 1;
  network: string;
  /** The model file's base name (harmless characters only), for comments. */
  source: string;
  dtype: Dtype;
  target: Target;
  convSchedule: 'padded' | 'split';
  batch: number;
  /** Shard builds only (PlanOptions.shard): `batch` of `of` samples per mini-batch. */
  shard?: ShardPlan;
  /** Inference builds only (PlanOptions.inference): no backward kernels or training buffers. */
  inference?: true;
  /** Inference builds only: the parameters' values, the initial contents of their buffers. */
  weights?: EmbeddedWeights;
  input: [number, number, number];
  output: [number, number, number];
  inputSize: number;
  outputSize: number;
  endsWithSoftmax: boolean;
  layers: LayerPlan[];
  /** Every kernel, layers in order, each layer's in its op's role order. */
  kernels: KernelPlan[];
  memory: MemoryPlan;
  /** Target wasm: memory pages and scratch buffer of the module; null for target js. */
  wasm: WasmNetworkPlan | null;
  totals: { params: number; macs: number; stateNumbers: number };
  checked: CheckedNetwork;
}
