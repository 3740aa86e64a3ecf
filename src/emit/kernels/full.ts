// Full-connection kernels (docs/operations.md, Full_F / Full_BF / Full_grad). Each sample's input
// is one vector of K = C_l·H_l·W_l numbers; w is C_r rows of K, read sequentially.
//   forward(x, w, [b,] y):   y[t][k]  = Σ_i w[k][i]·x[t][i] (+ b[k])
//   backward(dy, w, dx):     dx[t][i] = Σ_k w[k][i]·dy[t][k]
//   grad(dy, x, dw, [db]):   dw[k][i] += Σ_t dy[t][k]·x[t][i];  db[k] += Σ_t dy[t][k]
// Schedule: register tiles. A tile of S samples × R weight rows runs one loop over i with
// literal bound K; each step loads S + R numbers and does S·R multiply-adds, so every weight
// read serves S samples and every input read serves R rows. Remainders (T mod S, C_r mod R)
// get their own smaller tiles, fixed at compile time. A tile's body is S·R statements, far
// below V8's optimisation limit, so the inner loop is not unrolled further.
import type { FullLayer } from '../../model/checked.js';
import { size3 } from '../../model/checked.js';
import { kernelName } from '../names.js';
import type { EmitContext, KernelSource } from './types.js';

/**
 * Tile sizes per pass: forward and backward [samples, rows], grad [rows, samples]. Measured on
 * LeNet's f1 (T=32, K=784, C_r=120, float32), against 1×1 tiles: forward 4×4 ≈ 3×, backward
 * 8 samples × 4 rows ≈ 6-8×, grad 4 rows × 8 samples ≈ 6×; larger tiles gained nothing more.
 */
export const FULL_TILES = { forward: [4, 4], backward: [8, 4], grad: [4, 8] };

/** Splits 0..n into a run of full blocks of `size` and one remainder block. */
function segments(n: number, size: number): { start: number; end: number; step: number }[] {
  const s = Math.min(size, n);
  const full = n - (n % s);
  const out = [{ start: 0, end: full, step: s }];
  if (full < n) out.push({ start: full, end: n, step: n - full });
  return out;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const indent = (lines: string[], by: string): string[] => lines.map((l) => by + l);

export function emitFull(layer: FullLayer, ctx: EmitContext): KernelSource[] {
  const T = ctx.batch;
  const K = size3(layer.input);
  const C = layer.output.c;
  const macs = T * C * K;
  const names = {
    forward: kernelName(layer.name, 'forward'),
    backward: kernelName(layer.name, 'backward'),
    grad: kernelName(layer.name, 'grad'),
  };
  const tileNote = (role: keyof typeof FULL_TILES, a: string, b: string) => {
    const [p, q] = FULL_TILES[role];
    return `${Math.min(p, role === 'grad' ? C : T)} ${a} × ${Math.min(q, role === 'grad' ? T : C)} ${b} tiles over K=${K}`;
  };

  // forward: tile of S samples × R rows; accumulators s<s><r>.
  const fwdBody: string[] = [];
  for (const ts of segments(T, FULL_TILES.forward[0])) {
    for (const ks of segments(C, FULL_TILES.forward[1])) {
      const S = ts.step, R = ks.step;
      const inner = [
        ...range(S).map((s) => `const a${s} = x[x${s} + i];`),
        ...range(R).map((r) => `const b${r} = w[w${r} + i];`),
        ...range(S).map((s) => range(R).map((r) => `s${s}${r} += a${s} * b${r};`).join(' ')),
      ];
      fwdBody.push(
        `for (let t = ${ts.start}; t < ${ts.end}; t += ${S}) {`,
        ...range(S).map((s) => `  const x${s} = ${s === 0 ? `t * ${K}` : `x0 + ${s * K}`};`),
        `  for (let k = ${ks.start}; k < ${ks.end}; k += ${R}) {`,
        ...range(R).map((r) => `    const w${r} = ${r === 0 ? `k * ${K}` : `w0 + ${r * K}`};`),
        `    let ${range(S).flatMap((s) => range(R).map((r) => `s${s}${r} = 0`)).join(', ')};`,
        `    for (let i = 0; i < ${K}; i++) {`,
        ...indent(inner, '      '),
        `    }`,
        `    const y0 = t * ${C} + k;`,
        ...range(S).flatMap((s) => range(R).map((r) =>
          `    y[y0 + ${s * C + r}] = s${s}${r}${layer.bias ? ` + b[k + ${r}]` : ''};`)),
        `  }`,
        `}`,
      );
    }
  }
  const fwdParams = layer.bias ? ['x', 'w', 'b', 'y'] : ['x', 'w', 'y'];

  // backward: tile of S samples × R weight rows; dx rows accumulate R rows per pass.
  const bwdBody: string[] = [`dx.fill(0, 0, ${T * K});`];
  for (const ts of segments(T, FULL_TILES.backward[0])) {
    for (const ks of segments(C, FULL_TILES.backward[1])) {
      const S = ts.step, R = ks.step;
      bwdBody.push(
        `for (let t = ${ts.start}; t < ${ts.end}; t += ${S}) {`,
        ...range(S).map((s) => `  const x${s} = ${s === 0 ? `t * ${K}` : `x0 + ${s * K}`};`),
        `  for (let k = ${ks.start}; k < ${ks.end}; k += ${R}) {`,
        `    const d0 = t * ${C} + k;`,
        ...range(S).flatMap((s) => range(R).map((r) => `    const a${s}${r} = dy[d0 + ${s * C + r}];`)),
        ...range(R).map((r) => `    const w${r} = ${r === 0 ? `k * ${K}` : `w0 + ${r * K}`};`),
        `    for (let i = 0; i < ${K}; i++) {`,
        ...range(R).map((r) => `      const b${r} = w[w${r} + i];`),
        ...range(S).map((s) => `      dx[x${s} + i] += ${range(R).map((r) => `a${s}${r} * b${r}`).join(' + ')};`),
        `    }`,
        `  }`,
        `}`,
      );
    }
  }

  // grad: tile of R weight rows × S samples; each dw row gets S samples' products per pass.
  const gradBody: string[] = [];
  for (const ks of segments(C, FULL_TILES.grad[0])) {
    for (const ts of segments(T, FULL_TILES.grad[1])) {
      const R = ks.step, S = ts.step;
      gradBody.push(
        `for (let k = ${ks.start}; k < ${ks.end}; k += ${R}) {`,
        ...range(R).map((r) => `  const w${r} = ${r === 0 ? `k * ${K}` : `w0 + ${r * K}`};`),
        `  for (let t = ${ts.start}; t < ${ts.end}; t += ${S}) {`,
        `    const d0 = t * ${C} + k;`,
        ...range(R).flatMap((r) => range(S).map((s) => `    const a${r}${s} = dy[d0 + ${s * C + r}];`)),
        ...range(S).map((s) => `    const x${s} = ${s === 0 ? `t * ${K}` : `x0 + ${s * K}`};`),
        `    for (let i = 0; i < ${K}; i++) {`,
        ...range(S).map((s) => `      const b${s} = x[x${s} + i];`),
        ...range(R).map((r) => `      dw[w${r} + i] += ${range(S).map((s) => `a${r}${s} * b${s}`).join(' + ')};`),
        `    }`,
        `  }`,
        `}`,
      );
    }
  }
  if (layer.bias) {
    gradBody.push(
      `for (let k = 0; k < ${C}; k++) {`,
      `  let s = 0;`,
      `  for (let o = k; o < ${T * C}; o += ${C}) s += dy[o];`,
      `  db[k] += s;`,
      `}`,
    );
  }
  const gradParams = layer.bias ? ['dy', 'x', 'dw', 'db'] : ['dy', 'x', 'dw'];

  const fn = (name: string, params: string[], body: string[]) =>
    [`export function ${name}(${params.map((p) => `${p}: F`).join(', ')}): void {`, ...indent(body, '  '), '}'].join('\n');
  const F = (name: string) => ({ name, type: 'F' as const });
  return [
    {
      role: 'forward', name: names.forward, macs, params: fwdParams.map(F),
      schedule: tileNote('forward', 'samples', 'rows'), code: fn(names.forward, fwdParams, fwdBody),
    },
    {
      role: 'backward', name: names.backward, macs, params: ['dy', 'w', 'dx'].map(F),
      schedule: tileNote('backward', 'samples', 'rows'), code: fn(names.backward, ['dy', 'w', 'dx'], bwdBody),
    },
    {
      role: 'grad', name: names.grad, macs, params: gradParams.map(F),
      schedule: tileNote('grad', 'rows', 'samples'), code: fn(names.grad, gradParams, gradBody),
    },
  ];
}
