// The op descriptor: everything the module emitter knows about one op, in one table entry
// (src/emit/ops.ts; each op's entry lives in src/emit/kernels/<op>.ts beside its printer):
// how to print each of its kernel plans, its calls in the model's forward and backward
// chains, and its checks in the generated test. Which kernels exist, their names,
// signatures and schedules come from the plan (src/lower/), never from here.
import type { Layer } from '../../model/checked.js';
import type { Dtype, KernelParam, KernelPlan, KernelRole, LayerPlan } from '../../lower/types.js';

export type { KernelRole } from '../../lower/types.js';

/** What the compatibility entry points (`emitLayerKernels`, `emitConv`, …) take. */
export interface EmitContext {
  dtype: Dtype;
  /** Mini-batch size T: a literal in every kernel. */
  batch: number;
  /** Conv schedule (see PlanOptions.convSchedule). */
  convSchedule?: 'padded' | 'split';
}

/** A printed kernel: its plan's name, role and signature, with the code. */
export interface KernelSource {
  role: KernelRole;
  /** The exported function's name: `<layer>_<role>`. */
  name: string;
  params: KernelParam[];
  /**
   * The exported function declaration (`export function <name>(...) {...}`) followed by
   * any helper functions it calls. Helper names start with `<layer>$` so that they can
   * never collide with an exported name (`$` is not allowed in .cnn names).
   */
  code: string;
  /** The schedule chosen, for the comment above the kernel. */
  schedule: string;
  /** What the function returns (softmax's loss returns J); default void. */
  returns?: 'void' | 'number';
  /** Multiply-adds of one call (whole batch), for the benchmark's GFLOP/s. */
  macs: number;
}

/**
 * How the model body calls one layer's kernels. The arguments come from the plan (each
 * kernel parameter names its buffer), so a descriptor only says which roles run, in which
 * order and when; the target prints the call (JS: the kernel on the model's arrays;
 * WebAssembly: the instance's function, whose buffers are literal addresses).
 */
export interface CallSite {
  /** The call expression of the layer's kernel of this role (no semicolon). */
  call(role: KernelRole): string;
  /** Whether the plan has a kernel of this role for the layer (bn's shard roles). */
  has(role: KernelRole): boolean;
}

/** What a layer's generated-test check may use (the harness is templates/test.hbs). */
export interface CheckSite {
  /** Layer index. */
  l: number;
  T: number;
  /** Numbers in the layer's input and output blocks (whole batch). */
  nIn: number;
  nOut: number;
  /** `gen.<layer>_<role>`: the kernel in the generated module. */
  k(role: KernelRole): string;
  /** `W0["<layer>"].<key>`: the initial weights. */
  w(key: string): string;
  /** The layer name as a string literal, and a message literal `"<layer><suffix>"`. */
  name: string;
  msg(suffix: string): string;
  /** The layer ends a network trained from labels. */
  lossLayer: boolean;
}

export interface OpEmitter<L extends Layer = Layer, K extends KernelPlan = KernelPlan> {
  /** The kernel plan kinds this op's planner produces. */
  kinds: K['kind'][];
  print(kernel: K, dtype: Dtype): string;
  /** Statements of the layer's forward step (`training` is the forward's flag). */
  forward(layer: LayerPlan, at: CallSite): string;
  /** Statements of its backward step: gradients first (they read dy and x), then dx. */
  backward(layer: LayerPlan, at: CallSite): string;
  /** Functions of `cnnc/interpreter` the checks call (the generated test imports them). */
  interpreter?: string[];
  /** Body lines of the test that runs each kernel alone on the interpreter's inputs. */
  checks(layer: L, at: CheckSite): string[];
  /**
   * The gradients that are sums over the batch of dy-terms (a bias: Σ dy; bn's dγ: Σ dy·x̂),
   * each with an expression of the same sums of the terms' magnitudes (Σ |dy|), in the
   * generated test's beforeAll. Such a sum cancels (exactly, for a bias right before bn: bn's
   * dx sums to 0 over each of its lines; nearly, for bn's dγ below another bn), and then only
   * an absolute floor scaled by the terms can judge float rounding (templates/test.hbs,
   * `close`).
   */
  gradTerms?(layer: L, at: CheckSite): Record<string, SumTerms>;
  /**
   * The same for state tensors the training forward updates with a sum over the batch (bn's
   * running mean: (1-momentum)·old + momentum/N·Σx over each line), compared after the
   * forward pass.
   */
  stateTerms?(layer: L, at: CheckSite): Record<string, SumTerms>;
}

/**
 * A sum's terms, for the generated test's floor (templates/test.hbs, `cancelled`): `terms`
 * is an expression of Σ|terms| of each element (a Float64Array); the floor applies to the
 * elements that cancelled: `zero`, to float64 rounding (|value| <= 1e-9·Σ|terms|: a sum
 * whose exact value is 0), or `small`, against the tolerance (|value| <= TOL·Σ|terms|: a sum
 * whose exact value may be small but not 0, as bn's, where the relative check would ask more
 * than the float rounding of the terms can give).
 */
export interface SumTerms {
  terms: string;
  below: 'zero' | 'small';
}
