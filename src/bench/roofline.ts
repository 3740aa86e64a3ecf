// The roofline of scalar JavaScript on this machine: the best multiply-add rate a small
// microbenchmark reaches, so each cnnc kernel's GFLOP/s can be read as a fraction of what
// JavaScript without SIMD can do at all. The kernels are built with `new Function` so that
// their sizes are literals, as in generated code. A multiply-add counts as 2 FLOPs.

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
