// Runs single WebAssembly kernels for tests: lays out named buffers (16-byte aligned, 64
// guard bytes after each), builds a module from the given functions, instantiates it,
// and gives Float32Array / Int32Array views of the buffers.
import { Module, type Func } from '../../src/wasm/asm.js';

export interface Buffers {
  /** Byte offsets by name (pass as the kernel's `at`). */
  at: Record<string, number>;
  bytes: number;
}

/** Element counts by name (4-byte elements); `scratch` is in bytes when given. */
export function layoutBuffers(elements: Record<string, number>, scratchBytes = 0): Buffers {
  const at: Record<string, number> = {};
  let o = 64; // keep address 0 unused, so a zero address in a kernel is a visible bug
  const place = (name: string, bytes: number) => { at[name] = o; o += Math.ceil((bytes + 64) / 16) * 16; };
  for (const [name, n] of Object.entries(elements)) place(name, 4 * n);
  if (scratchBytes > 0) place('scratch', scratchBytes);
  return { at, bytes: o };
}

export interface Instance {
  exports: Record<string, (...args: number[]) => number>;
  f32(name: string, n: number): Float32Array;
  i32(name: string, n: number): Int32Array;
  memory: WebAssembly.Memory;
}

export function instantiate(funcs: { func: Func; exportName?: string }[], buffers: Buffers): Instance {
  const m = new Module().memory(Math.max(1, Math.ceil(buffers.bytes / 65536)));
  for (const { func, exportName } of funcs) m.add(func, exportName ?? func.name);
  const bytes = m.toBytes();
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const memory = inst.exports.memory as WebAssembly.Memory;
  return {
    exports: inst.exports as unknown as Instance['exports'],
    memory,
    f32: (name, n) => new Float32Array(memory.buffer, buffers.at[name], n),
    i32: (name, n) => new Int32Array(memory.buffer, buffers.at[name], n),
  };
}
