// Shared by the wasm full / softmax / sgd kernel tests: relaxed-SIMD detection (turning the
// V8 flag on at run time), random values, a run that checks only the output bytes changed,
// and the tolerance rule of the generated tests extended to non-finite values.
import v8 from 'node:v8';
import wabtInit from 'wabt';
import { Func, Module } from '../../src/wasm/asm.js';
import { mulberry32 } from '../../src/model/init.js';
import { instantiate, layoutBuffers, type Instance } from './wasm-kernel.js';

/** True when f32x4.relaxed_madd validates (after turning on V8's flag, which Node 20 needs). */
export function relaxedAvailable(): boolean {
  const probe = () => {
    const f = new Func('p', [['a', 'v128']], ['v128']);
    f.get('a').get('a').get('a').op('f32x4.relaxed_madd');
    return WebAssembly.validate(new Module().add(f, 'p').toBytes());
  };
  if (probe()) return true;
  try { v8.setFlagsFromString('--experimental-wasm-relaxed-simd'); } catch { /* not Node */ }
  return probe();
}

/** The ctx.relaxed variants to run: [false, true], or [false] with a printed note. */
export function relaxedVariants(what: string): boolean[] {
  if (relaxedAvailable()) return [false, true];
  console.log(`${what}: relaxed SIMD unavailable in this runtime; testing the mul+add variant only`);
  return [false];
}

export function randomValues(n: number, seed: number, scale = 2): Float32Array {
  const rnd = mulberry32(seed);
  const a = new Float32Array(n);
  for (let e = 0; e < n; e++) a[e] = (rnd() - 0.5) * 2 * scale;
  return a;
}

export interface RunResult { outputs: Record<string, Float32Array>; result: number }

/**
 * Lays out `inputs` and `outputs` (element counts), fills all memory with a byte pattern,
 * sets the inputs, fills each output with its initial value (NaN for written outputs, 0.5
 * for accumulated ones, or given values), calls the kernel, and checks that no byte outside
 * the outputs changed.
 */
export function runKernel(
  build: (at: Record<string, number>) => { func: Func; helpers?: Func[] },
  inputs: Record<string, Float32Array>,
  outputs: Record<string, { n: number; init: number | Float32Array }>,
  args: number[] = [],
): RunResult {
  const sizes: Record<string, number> = {};
  for (const [k, v] of Object.entries(inputs)) sizes[k] = v.length;
  for (const [k, v] of Object.entries(outputs)) sizes[k] = v.n;
  const buffers = layoutBuffers(sizes);
  const k = build(buffers.at);
  const inst: Instance = instantiate([{ func: k.func, exportName: 'k' }, ...(k.helpers ?? []).map((func) => ({ func }))], buffers);
  const bytes = new Uint8Array(inst.memory.buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 0xff;
  for (const [name, v] of Object.entries(inputs)) inst.f32(name, v.length).set(v);
  for (const [name, o] of Object.entries(outputs)) {
    if (typeof o.init === 'number') inst.f32(name, o.n).fill(o.init);
    else inst.f32(name, o.n).set(o.init);
  }
  const before = bytes.slice();
  const result = inst.exports.k(...args);
  const ranges = Object.entries(outputs).map(([name, o]) => [buffers.at[name], buffers.at[name] + 4 * o.n]);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === before[i] || ranges.some(([lo, hi]) => i >= lo && i < hi)) continue;
    throw new Error(`byte ${i} outside the outputs changed (${JSON.stringify(buffers.at)})`);
  }
  const out: Record<string, Float32Array> = {};
  for (const [name, o] of Object.entries(outputs)) out[name] = inst.f32(name, o.n).slice();
  return { outputs: out, result };
}

/**
 * |a − b| ≤ tol·max(|b|, m/100) + 2^-149 (float32 cannot do better among subnormals), m the
 * largest finite |b|; where b is NaN or ±Infinity, a must be the same (NaN any payload).
 */
export function agree(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-3): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  let m = 0;
  for (let i = 0; i < expected.length; i++) if (Number.isFinite(expected[i])) m = Math.max(m, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], b = expected[i];
    if (Number.isNaN(b)) { if (!Number.isNaN(a)) return `[${i}]: ${a}, expected NaN`; continue; }
    if (!Number.isFinite(b)) { if (a !== b) return `[${i}]: ${a}, expected ${b}`; continue; }
    const bound = tol * Math.max(Math.abs(b), m / 100) + 2 ** -149;
    if (!(Math.abs(a - b) <= bound)) return `[${i}]: ${a}, expected ${b} (allowed ${bound})`;
  }
  return null;
}

export const f64 = (a: ArrayLike<number>) => Float64Array.from(a);

/**
 * The module of `funcs` printed as WAT and assembled by wabt must give exactly the
 * assembler's bytes (labels, float constants, lane immediates as the kernels use them).
 * Returns null or what differs.
 */
export async function watRoundTrip(funcs: Func[]): Promise<string | null> {
  const m = new Module().memory(1);
  for (const f of funcs) m.add(f, f.name);
  const wabt = await wabtInit();
  const mod = wabt.parseWat('k.wat', m.toWat(), { simd: true, relaxed_simd: true, bulk_memory: true });
  mod.validate();
  const ours = Buffer.from(m.toBytes()).toString('hex');
  const theirs = Buffer.from(mod.toBinary({}).buffer).toString('hex');
  mod.destroy();
  return ours === theirs ? null : 'WAT assembles to other bytes';
}
