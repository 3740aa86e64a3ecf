// The roofline of scalar JavaScript on this machine: the best multiply-add rate a small
// microbenchmark reaches, so each cnnc kernel's GFLOP/s can be read as a fraction of what
// JavaScript without SIMD can do at all. The kernels are built with `new Function` so that
// their sizes are literals, as in generated code. A multiply-add counts as 2 FLOPs.

import { Func, Module as WasmModule } from '../wasm/asm.js';

export interface RooflineVariant { name: string; gflops: number }
export interface Roofline {
  best: RooflineVariant;
  variants: RooflineVariant[];
  /** When measured more than once (start and end of a long run): each run's best GFLOP/s. */
  runs?: number[];
}

type Kernel = (a: Float64Array | Float32Array, b: Float64Array | Float32Array, n: number) => number;

/** `ways` independent dot-product accumulators: 2 loads per multiply-add. */
function dotKernel(ways: number): Kernel {
  const acc = Array.from({ length: ways }, (_, k) => `s${k}`);
  const body = acc.map((s, k) => `${s} += a[i + ${k}] * b[i + ${k}];`).join('\n');
  return new Function('a', 'b', 'n', `
    let ${acc.map((s) => `${s} = 0`).join(', ')};
    for (let i = 0; i < n; i += ${ways}) { ${body} }
    return ${acc.join(' + ')};`) as Kernel;
}

/**
 * Register-blocked: each loaded input feeds `outs` outputs whose weights sit in locals
 * (the shape of a specialised conv inner loop with several output channels per pass).
 */
function blockedKernel(outs: number): Kernel {
  const o = Array.from({ length: outs }, (_, k) => k);
  return new Function('a', 'b', 'n', `
    ${o.map((k) => `const w${k} = b[${k}];`).join(' ')}
    let ${o.map((k) => `o${k} = 0`).join(', ')};
    for (let i = 0; i < n; i++) { const x = a[i]; ${o.map((k) => `o${k} += x * w${k};`).join(' ')} }
    return ${o.map((k) => `o${k}`).join(' + ')};`) as Kernel;
}

/**
 * 2-d blocked: `ins` inputs loaded per step, each feeding `outs` outputs (ins·outs weights in
 * locals); the products for one output are summed as a tree before the add, so the
 * accumulators' dependency chains are short.
 */
function tileKernel(ins: number, outs: number): Kernel {
  const I = Array.from({ length: ins }, (_, k) => k);
  const O = Array.from({ length: outs }, (_, k) => k);
  const tree = (terms: string[]): string => (terms.length === 1 ? terms[0] : `(${tree(terms.slice(0, terms.length >> 1))} + ${tree(terms.slice(terms.length >> 1))})`);
  return new Function('a', 'b', 'n', `
    ${O.flatMap((o) => I.map((i) => `const w${o}_${i} = b[${o * ins + i}];`)).join(' ')}
    let ${O.map((o) => `o${o} = 0`).join(', ')};
    for (let i = 0; i < n; i += ${ins}) {
      ${I.map((i) => `const x${i} = a[i + ${i}];`).join(' ')}
      ${O.map((o) => `o${o} += ${tree(I.map((i) => `x${i} * w${o}_${i}`))};`).join('\n')}
    }
    return ${O.map((o) => `o${o}`).join(' + ')};`) as Kernel;
}

function rate(kernel: Kernel, macsPerElement: number, array: 'f32' | 'f64', maxTime: number): number {
  const n = 1024; // stays in L1
  const A = array === 'f32' ? Float32Array : Float64Array;
  const a = new A(n);
  const b = new A(n);
  for (let i = 0; i < n; i++) {
    a[i] = ((i * 7) % 13) / 13;
    b[i] = ((i * 5) % 11) / 11;
  }
  let sink = 0;
  const reps = 4000; // each sample lasts milliseconds, far above the timer resolution
  const run = () => { for (let r = 0; r < reps; r++) sink += kernel(a, b, n); };
  const warmEnd = performance.now() + Math.min(200, maxTime);
  while (performance.now() < warmEnd) run();
  let best = Infinity;
  const end = performance.now() + maxTime;
  do {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  } while (performance.now() < end);
  if (sink === 42.4242) console.log(''); // keeps the results alive
  return (2 * macsPerElement * n * reps) / (best * 1e6);
}

/** Times each variant for `maxTime` ms (best sample: the machine's peak, not its average). */
export function measureRoofline(maxTime = 300): Roofline {
  const variants: RooflineVariant[] = [];
  for (const array of ['f32', 'f64'] as const) {
    for (const ways of [4, 8]) variants.push({ name: `dot, ${ways} accumulators, ${array}`, gflops: rate(dotKernel(ways), 1, array, maxTime) });
    for (const outs of [4, 8]) variants.push({ name: `1 load → ${outs} multiply-adds (weights in locals), ${array}`, gflops: rate(blockedKernel(outs), outs, array, maxTime) });
    for (const [ins, outs] of [[4, 4], [4, 6], [8, 4]]) {
      variants.push({ name: `${ins} loads → ${ins}×${outs} multiply-adds (weights in locals, tree sums), ${array}`, gflops: rate(tileKernel(ins, outs), outs, array, maxTime) });
    }
  }
  const best = variants.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { best, variants };
}

// The WebAssembly SIMD roofline: the same microbenchmark shape as the scalar one (one f32x4
// load feeding `outs` multiply-adds whose weights sit in locals, `outs` independent
// accumulators), assembled with the project's own assembler (src/wasm/asm.ts) and run inside
// the module (the repetitions are a wasm loop, so no JS call sits in the timed path). Two
// forms: f32x4.mul + f32x4.add (what the plain kernels use) and f32x4.relaxed_madd (the
// relaxed-SIMD kernels), the latter only where the engine validates it (Node 20 needs
// --experimental-wasm-relaxed-simd). A multiply-add is 2 FLOPs, 4 lanes a vector.

export interface WasmRoofline {
  /** The best of the mul+add variants. */
  simd: RooflineVariant;
  /** The best relaxed-madd variant, or null when the engine has no relaxed SIMD. */
  relaxed: RooflineVariant | null;
  variants: RooflineVariant[];
  /** Whether WebAssembly.validate accepts f32x4.relaxed_madd here. */
  relaxedAvailable: boolean;
  runs?: number[];
}

const VECTORS = 256; // 1024 floats (4 KB): stays in L1

/** A module exporting `run(reps) -> f32`: reps × VECTORS loads, each feeding `outs` f32x4 multiply-adds. */
export function wasmRooflineModule(outs: number, relaxed: boolean): Uint8Array<ArrayBuffer> {
  const f = new Func('run', [['reps', 'i32']], ['f32']);
  const i = f.local('i', 'i32');
  const x = f.local('x', 'v128');
  const acc = Array.from({ length: outs }, (_, k) => f.local(`acc${k}`, 'v128'));
  const w = Array.from({ length: outs }, (_, k) => f.local(`w${k}`, 'v128'));
  // Data 0..1 in memory (never denormal), weights near 1/2 in locals, accumulators at 0.
  f.i32(0).set(i);
  f.op('block', 'fill').op('loop', 'fillLoop');
  f.get(i).get(i).op('f32.convert_i32_s').f32(1 / (4 * VECTORS)).op('f32.mul').op('f32.store', 0);
  f.get(i).i32(4).op('i32.add').tee(i).i32(4 * 4 * VECTORS).op('i32.lt_s').op('br_if', 'fillLoop');
  f.end().end();
  w.forEach((l, k) => f.op('v128.const', 'f32x4', 0.5 + k / 64, 0.5 - k / 64, 0.25 + k / 64, 0.75 - k / 64).set(l));
  f.op('block', 'done').op('loop', 'outer');
  f.i32(0).set(i);
  f.op('loop', 'inner');
  f.get(i).op('v128.load', 0).set(x);
  for (let k = 0; k < outs; k++) {
    if (relaxed) f.get(x).get(w[k]).get(acc[k]).op('f32x4.relaxed_madd').set(acc[k]);
    else f.get(acc[k]).get(x).get(w[k]).op('f32x4.mul').op('f32x4.add').set(acc[k]);
  }
  f.get(i).i32(16).op('i32.add').tee(i).i32(16 * VECTORS).op('i32.lt_s').op('br_if', 'inner');
  f.end();
  f.get('reps').i32(1).op('i32.sub').tee('reps').op('br_if', 'outer');
  f.end().end();
  // Every accumulator reaches the result, so none of the work is dead.
  f.get(acc[0]);
  for (let k = 1; k < outs; k++) f.get(acc[k]).op('f32x4.add');
  f.set(x);
  f.get(x).op('f32x4.extract_lane', 0);
  for (let l = 1; l < 4; l++) f.get(x).op('f32x4.extract_lane', l).op('f32.add');
  return new WasmModule().memory(1).add(f, 'run').toBytes();
}

function wasmRate(bytes: Uint8Array<ArrayBuffer>, outs: number, maxTime: number): number {
  const run = (new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as { run: (reps: number) => number }).run;
  const reps = 2000; // 2000 × 256 vectors × outs madds: milliseconds a sample
  let sink = 0;
  const warmEnd = performance.now() + Math.min(200, maxTime);
  while (performance.now() < warmEnd) sink += run(reps); // tiers the function up from Liftoff
  let best = Infinity;
  const end = performance.now() + maxTime;
  do {
    const t0 = performance.now();
    sink += run(reps);
    best = Math.min(best, performance.now() - t0);
  } while (performance.now() < end);
  if (sink === 42.4242) console.log('');
  return (2 * 4 * outs * VECTORS * reps) / (best * 1e6);
}

/** Whether this engine accepts WebAssembly SIMD, and relaxed SIMD's f32x4.relaxed_madd. */
export function wasmSimdSupport(): { simd: boolean; relaxed: boolean } {
  return { simd: WebAssembly.validate(wasmRooflineModule(1, false)), relaxed: WebAssembly.validate(wasmRooflineModule(1, true)) };
}

/** Times each WebAssembly SIMD variant for `maxTime` ms (best sample). Throws when the engine has no SIMD. */
export function measureWasmRoofline(maxTime = 300): WasmRoofline {
  const support = wasmSimdSupport();
  if (!support.simd) throw new Error('this JavaScript engine has no WebAssembly SIMD: no WebAssembly roofline');
  const variants: RooflineVariant[] = [];
  const forms = support.relaxed ? [false, true] : [false];
  for (const relaxed of forms) {
    for (const outs of [4, 6, 8, 12]) {
      variants.push({ name: `1 f32x4 load → ${outs} ${relaxed ? 'relaxed_madd' : 'mul+add'} (weights in locals)`, gflops: wasmRate(wasmRooflineModule(outs, relaxed), outs, maxTime) });
    }
  }
  const best = (list: RooflineVariant[]) => list.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  const plain = variants.filter((v) => v.name.includes('mul+add'));
  const fused = variants.filter((v) => v.name.includes('relaxed_madd'));
  return { simd: best(plain), relaxed: fused.length ? best(fused) : null, variants, relaxedAvailable: support.relaxed };
}
