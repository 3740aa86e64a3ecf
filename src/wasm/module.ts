// The WebAssembly module of one network: every kernel of every layer (literal sizes and
// literal addresses in the plan's linear layout), the SGD step and gradient zeroing, in
// one module with one memory. The JavaScript around it (src/emit) calls these functions
// by the kernels' exported names; it never sees an address except to make views.
//
// Addresses: a kernel's parameters are named as the JS target's (x, w, y, dy, dx, dw, …) and
// the plan binds each to one buffer of its memory table (KernelParam.buffer). Each kernel
// prints the schedule the plan chose for this variant (KernelPlan.wasm.plain or .relaxed);
// a kernel with scratch bytes gets the plan's one shared wasm scratch buffer
// (NetworkPlan.wasm.scratch), and the memory has the plan's pages.
import type { Layer } from '../model/checked.js';
import type { BufferKind, NetworkPlan } from '../lower/types.js';
import { Func, Module } from './asm.js';
import type { Addresses, WasmContext, WasmKernel, WasmOpEmitter, WasmRole } from './kernels/types.js';
import { wasmConv } from './kernels/conv.js';
import { wasmPool } from './kernels/pool.js';
import { wasmBn } from './kernels/bn.js';
import { wasmRelu } from './kernels/relu.js';
import { wasmFull } from './kernels/full.js';
import { wasmSoftmax } from './kernels/softmax.js';
import { emitSgd, emitZero } from './kernels/sgd.js';

type Registry = { [K in Layer['op']]: WasmOpEmitter<Extract<Layer, { op: K }>> };

export const wasmEmitters: Registry = {
  conv: wasmConv, pool: wasmPool, bn: wasmBn, relu: wasmRelu, full: wasmFull, softmax: wasmSoftmax,
};

/** Names of the module's own exports beside the kernels (`$` cannot occur in a layer name). */
export const STEP = '$step';
export const ZERO_GRADS = '$zero_grads';

export interface WasmKernelInfo {
  /** Exported function name (the JS target's kernel name). */
  name: string;
  layer: number;
  role: WasmRole;
  schedule: string;
  /** Each JS parameter's buffer: byte offset and element count (for the standalone wrappers). */
  args: { name: string; offset: number; elements: number; type: 'f32' | 'i32' | 'f64' }[];
}

export interface WasmModule {
  /** The whole module (with an inference plan's weights as its data section). */
  bytes: Uint8Array<ArrayBuffer>;
  /**
   * Inference plans: the module in two pieces, `code` (every section but the data, padded
   * with an empty custom section to a multiple of 3 bytes, so that its base64 ends without
   * `=`) and `data` (the data section); base64(code) + base64(data) is base64 of a module
   * equal to `bytes` but for the padding. null for ordinary plans.
   */
  split: { code: Uint8Array<ArrayBuffer>; data: Uint8Array<ArrayBuffer> } | null;
  wat: () => string;
  pages: number;
  kernels: WasmKernelInfo[];
}

export function buildWasmModule(plan: NetworkPlan, relaxed: boolean): WasmModule {
  if (plan.dtype !== 'f32') throw new Error('cnnc: the WebAssembly target is float32 only (use --target js for --dtype f64)');
  if (!plan.wasm) throw new Error(`cnnc: wasm: the plan of ${plan.network} is for target ${plan.target}`);
  const memory = plan.wasm;
  const ctx: WasmContext = { batch: plan.batch, relaxed, ...(plan.shard && { shardOf: plan.shard.of }) };
  const layers = plan.checked.layers;
  const addr = (kind: BufferKind, layer: number, key: string) => {
    const id = plan.memory.index[`${kind}/${layer}/${key}`];
    if (id === undefined) throw new Error(`cnnc: wasm: the plan has no buffer ${kind}/${layer}/${key}`);
    return plan.memory.buffers[id];
  };
  const scratch = memory.scratch === null ? null : plan.memory.buffers[memory.scratch];
  const m = new Module();
  const helpers = new Set<string>();
  const kernels: WasmKernelInfo[] = [];
  for (const k of plan.kernels) {
    const layer = layers[k.layer];
    const emitter = wasmEmitters[layer.op] as WasmOpEmitter;
    const role = k.role as WasmRole;
    const args = k.params.filter((p) => p.buffer != null).map((p) => {
      const b = plan.memory.buffers[plan.memory.index[p.buffer!]];
      return { name: p.name, offset: b.offset, elements: b.elements, type: b.type === 'i32' ? 'i32' as const : b.type === 'f64' ? 'f64' as const : 'f32' as const };
    });
    const at: Record<string, number> = Object.fromEntries(args.map((a) => [a.name, a.offset]));
    if (!k.wasm) throw new Error(`cnnc: wasm: kernel ${k.name} has no wasm schedule in the plan`);
    if (k.wasm.scratchBytes > 0) {
      if (!scratch || scratch.bytes < k.wasm.scratchBytes) throw new Error(`cnnc: wasm: kernel ${k.name} needs ${k.wasm.scratchBytes} scratch bytes, the plan's scratch has ${scratch?.bytes ?? 0}`);
      at.scratch = scratch.offset;
    }
    const kernel: WasmKernel = emitter.emit(layer, role, k.name, at as Addresses, ctx, relaxed ? k.wasm.relaxed : k.wasm.plain);
    m.add(kernel.func, k.name);
    for (const h of kernel.helpers ?? []) {
      if (!helpers.has(h.name)) { helpers.add(h.name); m.add(h); }
    }
    kernels.push({ name: k.name, layer: k.layer, role, schedule: kernel.schedule, args });
  }
  // SGD with momentum over every learnable tensor, and zeroing of the gradients (an
  // inference plan has neither gradients nor momentum).
  if (!plan.inference) {
    const learnable = plan.layers.flatMap((l) => l.params.filter((p) => p.learnable).map((p) => ({
      p: addr('param', l.index, p.key).offset, g: addr('grad', l.index, p.key).offset, v: addr('momentum', l.index, p.key).offset, n: p.size,
    })));
    m.add(emitSgd(STEP, learnable, ctx), STEP);
    m.add(emitZero(ZERO_GRADS, learnable.map((t) => ({ at: t.g, bytes: 4 * t.n }))), ZERO_GRADS);
  }
  const pages = memory.pages;
  m.memory(pages);
  if (!plan.weights) return { bytes: m.toBytes(), split: null, wat: () => m.toWat(), pages, kernels };
  // Inference: the weights are the initial contents of the parameter buffers.
  const weights = Buffer.from(plan.weights.base64, 'base64');
  let at = 0;
  for (const b of plan.memory.buffers.filter((x) => x.kind === 'param')) {
    m.data(b.offset, weights.subarray(at, at + b.bytes), `${plan.layers[b.layer].name}.${b.key}`);
    at += b.bytes;
  }
  if (at !== weights.length) throw new Error(`cnnc: wasm: the plan's weights have ${weights.length} bytes, its parameter buffers ${at}`);
  return { bytes: m.toBytes(), split: { code: padTo3(m.toBytes({ data: false })), data: m.dataSection() }, wat: () => m.toWat(), pages, kernels };
}

/** `bytes` followed by an empty-named custom section (id 0) making the length a multiple of 3. */
function padTo3(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const need = (3 - (bytes.length % 3)) % 3;
  if (need === 0) return bytes;
  // id 0, size, name length 0, then zero payload bytes: 4 bytes in all for need 1, 5 for need 2.
  const section = need === 1 ? [0, 2, 0, 0] : [0, 3, 0, 0, 0];
  const out = new Uint8Array(bytes.length + section.length);
  out.set(bytes);
  out.set(section, bytes.length);
  return out;
}

/** A one-function module using f32x4.relaxed_madd: validates only where relaxed SIMD is on. */
export function relaxedProbe(): Uint8Array<ArrayBuffer> {
  const f = new Func('probe', [], ['f32']);
  f.op('v128.const', 'f32x4', 1, 1, 1, 1).op('v128.const', 'f32x4', 2, 2, 2, 2).op('v128.const', 'f32x4', 3, 3, 3, 3)
    .op('f32x4.relaxed_madd').op('f32x4.extract_lane', 0);
  return new Module().add(f).toBytes();
}

/** A one-function module using f32x4 arithmetic: validates only where SIMD is on. */
export function simdProbe(): Uint8Array<ArrayBuffer> {
  const f = new Func('probe', [], ['f32']);
  f.op('v128.const', 'f32x4', 1, 1, 1, 1).op('v128.const', 'f32x4', 2, 2, 2, 2).op('f32x4.add').op('f32x4.extract_lane', 0);
  return new Module().add(f).toBytes();
}
