// What each op's WebAssembly kernel emitter gives the wasm module printer: one function
// per kernel role, with every size and every buffer address a literal. The roles and
// parameter names are the JS target's (docs/architecture.md, "calling convention"), so the
// module can offer the same exported kernel functions and Model on either target.
import type { Layer } from '../../model/checked.js';
import type { WasmSchedule } from '../../lower/types.js';
import type { Func } from '../asm.js';

export type WasmRole = 'forward' | 'backward' | 'grad' | 'path' | 'infer' | 'loss' | 'stats' | 'spread' | 'backsums';

export interface WasmContext {
  /** Mini-batch size T: a literal in every kernel. */
  batch: number;
  /** Use f32x4.relaxed_madd (fused, detected at load time) for multiply-adds. */
  relaxed: boolean;
  /** Shard builds: the samples of the whole mini-batch (`batch` is this shard's; bn's statistics are over all). */
  shardOf?: number;
}

/**
 * Byte offsets in linear memory of the buffers a kernel reads and writes, by the JS
 * kernel's parameter names (`x`, `w`, `y`, `dy`, `dx`, `dw`, `path`, `gamma`, …), plus
 * `scratch` when the kernel's plan asks for scratch bytes (KernelPlan.wasm.scratchBytes). Every buffer is 16-byte aligned and
 * followed by at least 16 bytes the kernel may read (never write): vector loads may run
 * over the end of a row or buffer.
 */
export type Addresses = Readonly<Record<string, number>>;

export interface WasmKernel {
  role: WasmRole;
  /**
   * The function: no parameters (every address is a literal), except bn's `backward`,
   * which takes `(training: i32)`. softmax's `loss` returns the loss as f64.
   */
  func: Func;
  /** The schedule chosen (vectorisation, blocking, unrolling), for the comment above the kernel. */
  schedule: string;
  /**
   * Functions `func` calls (not exported), named `<name>$<what>` so that they are unique in
   * the module (softmax's `<name>$exp`, `<name>$log`); the module adds them beside `func`.
   */
  helpers?: Func[];
}

/**
 * An op's wasm emitter: one call per role. It prints the schedule the plan chose
 * (KernelPlan.wasm, src/lower/wasm-<op>.ts) and chooses nothing itself.
 */
export interface WasmOpEmitter<L extends Layer = Layer> {
  /** Roles this op has (as the JS target: conv forward/backward/grad, pool forward/path/backward, …). */
  roles: readonly WasmRole[];
  /**
   * The kernel of one role; `name` is the function's name in the module; `schedule` is the
   * plan's for this variant (`ctx.relaxed`): KernelPlan.wasm.plain or .relaxed, null for the
   * ops with one fixed schedule (pool, bn, relu, softmax ignore it).
   */
  emit(layer: L, role: WasmRole, name: string, at: Addresses, ctx: WasmContext, schedule?: WasmSchedule | null): WasmKernel;
}
