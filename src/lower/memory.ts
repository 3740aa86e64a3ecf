// The buffer table: every array the model owns, with its place in one linear layout. The
// JavaScript module allocates each buffer as its own typed array (sizes from this table); a
// WebAssembly module places them at these offsets in its linear memory.
//
// Order: input x, input sensitivity; per layer its activation, sensitivity, path, params,
// grads, momentum, caches; then the softmax labels z; then the kernels' scratch arrays (padded conv maps);
// last, for target wasm, the WebAssembly kernels' one shared scratch region (`scratch/-1/wasm`,
// WASM_SCRATCH_ALIGN-aligned). Each buffer starts at a multiple of ALIGN bytes and is followed
// by GUARD bytes nobody uses.
import type { BufferKind, BufferPlan, Dtype, ElementType, KernelPlan, LayerPlan, MemoryPlan, WasmNetworkPlan } from './plan.js';

/** The MemoryPlan.index key of a buffer: `<kind>/<layer>/<key>`. */
export const bufferName = (kind: BufferKind, layer: number, key = ''): string => `${kind}/${layer}/${key}`;

export const ALIGN = 16;
export const GUARD = 16;
/** The wasm scratch starts at a multiple of this (a cache line). */
export const WASM_SCRATCH_ALIGN = 64;
/** Bytes the wasm module's memory holds beyond the layout's last buffer. */
export const WASM_SLACK = 64;
const WASM_PAGE = 65536;

/** What an inference plan leaves out: the buffers only training (backward, SGD) reads. */
const TRAINING_ONLY = new Set<BufferKind>(['inputSensitivity', 'sensitivity', 'path', 'grad', 'momentum', 'cache', 'labels']);

const elementBytes: Record<ElementType, number> = { f32: 4, f64: 8, i32: 4 };
const alignUp = (n: number, to = ALIGN) => Math.ceil(n / to) * to;

/** `wasmScratchBytes`: target wasm, the largest scratch a wasm kernel needs (KernelPlan.wasm.scratchBytes). */
export function planMemory(
  layers: LayerPlan[], kernels: KernelPlan[], dtype: Dtype, sizes: { input: number; labels: number | null }, wasmScratchBytes = 0,
  inference = false,
): MemoryPlan {
  const buffers: BufferPlan[] = [];
  const index: Record<string, number> = {};
  let at = 0;
  const add = (kind: BufferKind, layer: number, key: string, elements: number, type: ElementType = dtype, align = ALIGN) => {
    if (inference && TRAINING_ONLY.has(kind)) return;
    const name = bufferName(kind, layer, key);
    if (name in index) throw new Error(`cnnc: two buffers named ${name}`);
    const offset = alignUp(at, align);
    const bytes = elements * elementBytes[type];
    at = offset + bytes + GUARD;
    index[name] = buffers.length;
    buffers.push({ id: buffers.length, kind, layer, key, name, elements, type, offset, bytes });
  };
  add('input', -1, '', sizes.input);
  add('inputSensitivity', -1, '', sizes.input);
  for (const l of layers) {
    add('activation', l.index, '', l.activation);
    add('sensitivity', l.index, '', l.sensitivity);
    if (l.path !== null) add('path', l.index, '', l.path, 'i32');
    for (const p of l.params) add('param', l.index, p.key, p.size);
    for (const p of l.params) if (p.learnable) add('grad', l.index, p.key, p.size);
    for (const p of l.params) if (p.learnable) add('momentum', l.index, p.key, p.size);
    for (const c of l.cache) add('cache', l.index, c.key, c.size, c.type ?? dtype);
  }
  if (sizes.labels !== null) add('labels', -1, '', sizes.labels);
  for (const k of kernels) {
    if (k.scratch) add('scratch', k.layer, k.role, k.scratch.elements);
  }
  if (wasmScratchBytes % 4) throw new Error(`cnnc: wasm scratch of ${wasmScratchBytes} bytes is not whole f32 elements`);
  if (wasmScratchBytes > 0) add('scratch', -1, 'wasm', wasmScratchBytes / 4, 'f32', WASM_SCRATCH_ALIGN);
  return { align: ALIGN, guard: GUARD, buffers, index, totalBytes: alignUp(at) };
}

/** A buffer by kind, layer (-1 for the network's own) and key; throws when the plan has none. */
export function findBuffer(memory: MemoryPlan, kind: BufferKind, layer: number, key = ''): BufferPlan {
  const id = memory.index[bufferName(kind, layer, key)];
  if (id === undefined) throw new Error(`cnnc: the plan has no buffer ${bufferName(kind, layer, key)}`);
  return memory.buffers[id];
}

/**
 * Target wasm: the scratch buffer and the pages of the module's memory: the whole layout
 * (where no scratch: up to the next WASM_SCRATCH_ALIGN boundary) plus WASM_SLACK bytes,
 * rounded up to 64 KiB pages, at least one.
 */
export function planWasmMemory(memory: MemoryPlan): WasmNetworkPlan {
  const id = memory.index[bufferName('scratch', -1, 'wasm')];
  const end = id === undefined
    ? alignUp(memory.totalBytes, WASM_SCRATCH_ALIGN)
    : memory.buffers[id].offset + memory.buffers[id].bytes;
  return { scratch: id ?? null, pages: Math.max(1, Math.ceil((end + WASM_SLACK) / WASM_PAGE)) };
}
