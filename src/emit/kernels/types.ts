// What each op's kernel emitter hands to the module emitter: complete function
// declarations as TypeScript text, in which `F` names the module's float array type
// (`Float32Array`, or `Float64Array` with --dtype f64) and every size is a literal.

import type { Layer } from '../../model/checked.js';

// `infer`: bn's forward with the running statistics (its `forward` uses batch statistics).
// `loss`: softmax's cross-entropy, returning J and writing y - z (its `backward` is the
// Jacobian, used when a backward pass starts from an output sensitivity).
export type KernelRole = 'forward' | 'backward' | 'grad' | 'path' | 'infer' | 'loss';

export interface EmitContext {
  dtype: 'f32' | 'f64';
  /** Mini-batch size T: a literal in every kernel. */
  batch: number;
  /**
   * Conv schedule: `padded` (default) copies each map into a zero-padded scratch buffer and
   * runs one unrolled body everywhere; `split` gives the interior and each border region
   * their own code with clipped windows (no copy, fewer multiply-adds, more code).
   */
  convSchedule?: 'padded' | 'split';
}

export interface KernelSource {
  role: KernelRole;
  /** The exported function's name: `<layer>_<role>`. */
  name: string;
  /** Parameter names and types, in call order (`F` or `Int32Array`; bn's backward takes a `training` flag). */
  params: { name: string; type: 'F' | 'Int32Array' | 'boolean' }[];
  /**
   * The exported function declaration (`export function <name>(...) {...}`) followed by
   * any helper functions it calls. Helper names start with `<layer>$` so that they can
   * never collide with an exported name (`$` is not allowed in .cnn names).
   */
  code: string;
  /** The schedule chosen (what is unrolled, how borders are split), for the comment above the kernel. */
  schedule: string;
  /** What the function returns (softmax's backward returns the loss); default void. */
  returns?: 'void' | 'number';
  /** Multiply-adds of one call (whole batch), for the benchmark's GFLOP/s. */
  macs: number;
}

export type KernelEmitter<L extends Layer = Layer> = (layer: L, ctx: EmitContext) => KernelSource[];
