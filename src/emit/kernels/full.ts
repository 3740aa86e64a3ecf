// Full-connection kernels (docs/operations.md, Full_F / Full_BF / Full_grad). Each sample's input
// is one vector of K = C_l·H_l·W_l numbers; w is C_r rows of K, read sequentially.
//   forward(x, w, [b,] y):   y[t][k]  = Σ_i w[k][i]·x[t][i] (+ b[k])
//   backward(dy, w, dx):     dx[t][i] = Σ_k w[k][i]·dy[t][k]
//   grad(dy, x, dw, [db]):   dw[k][i] += Σ_t dy[t][k]·x[t][i];  db[k] += Σ_t dy[t][k]
// Schedule: register tiles (src/lower/full.ts chooses them). A tile's body is S·R
// statements, far below V8's optimisation limit, so the inner loop is not unrolled further.
import type { FullTilesKernel } from '../../lower/types.js';
import type { FullLayer } from '../../model/checked.js';
import { CodeWriter, range as span, signature } from './code-writer.js';
import type { OpEmitter, SumTerms } from './types.js';

const range = (n: number): number[] => span(0, n);

/** `const <v>0 = <first>; const <v>1 = <v>0 + stride; ...`: the row starts of a tile. */
function starts(c: CodeWriter, v: string, n: number, first: string, stride: number): void {
  for (const r of range(n)) c.line(`const ${v}${r} = ${r === 0 ? first : `${v}0 + ${r * stride}`};`);
}

export function printFull(k: FullTilesKernel): string {
  const { T, K, C } = k;
  const c = new CodeWriter().open(signature(k));
  if (k.pass === 'forward') {
    // tile of S samples × R rows; accumulators s<s><r>.
    for (const ts of k.outer) {
      for (const ks of k.inner) {
        const S = ts.step, R = ks.step;
        c.open(`for (let t = ${ts.start}; t < ${ts.end}; t += ${S})`);
        starts(c, 'x', S, `t * ${K}`, K);
        c.open(`for (let k = ${ks.start}; k < ${ks.end}; k += ${R})`);
        starts(c, 'w', R, `k * ${K}`, K);
        c.line(`let ${range(S).flatMap((s) => range(R).map((r) => `s${s}${r} = 0`)).join(', ')};`);
        c.open(`for (let i = 0; i < ${K}; i++)`);
        for (const s of range(S)) c.line(`const a${s} = x[x${s} + i];`);
        for (const r of range(R)) c.line(`const b${r} = w[w${r} + i];`);
        for (const s of range(S)) c.line(range(R).map((r) => `s${s}${r} += a${s} * b${r};`).join(' '));
        c.close();
        c.line(`const y0 = t * ${C} + k;`);
        for (const s of range(S)) for (const r of range(R)) c.line(`y[y0 + ${s * C + r}] = s${s}${r}${k.bias ? ` + b[k + ${r}]` : ''};`);
        c.close();
        c.close();
      }
    }
  } else if (k.pass === 'backward') {
    // tile of S samples × R weight rows; dx rows accumulate R rows per pass.
    c.line(`dx.fill(0, 0, ${T * K});`);
    for (const ts of k.outer) {
      for (const ks of k.inner) {
        const S = ts.step, R = ks.step;
        c.open(`for (let t = ${ts.start}; t < ${ts.end}; t += ${S})`);
        starts(c, 'x', S, `t * ${K}`, K);
        c.open(`for (let k = ${ks.start}; k < ${ks.end}; k += ${R})`);
        c.line(`const d0 = t * ${C} + k;`);
        for (const s of range(S)) for (const r of range(R)) c.line(`const a${s}${r} = dy[d0 + ${s * C + r}];`);
        starts(c, 'w', R, `k * ${K}`, K);
        c.open(`for (let i = 0; i < ${K}; i++)`);
        for (const r of range(R)) c.line(`const b${r} = w[w${r} + i];`);
        for (const s of range(S)) c.line(`dx[x${s} + i] += ${range(R).map((r) => `a${s}${r} * b${r}`).join(' + ')};`);
        c.close();
        c.close();
        c.close();
      }
    }
  } else {
    // tile of R weight rows × S samples; each dw row gets S samples' products per pass.
    for (const ks of k.outer) {
      for (const ts of k.inner) {
        const R = ks.step, S = ts.step;
        c.open(`for (let k = ${ks.start}; k < ${ks.end}; k += ${R})`);
        starts(c, 'w', R, `k * ${K}`, K);
        c.open(`for (let t = ${ts.start}; t < ${ts.end}; t += ${S})`);
        c.line(`const d0 = t * ${C} + k;`);
        for (const r of range(R)) for (const s of range(S)) c.line(`const a${r}${s} = dy[d0 + ${s * C + r}];`);
        starts(c, 'x', S, `t * ${K}`, K);
        c.open(`for (let i = 0; i < ${K}; i++)`);
        for (const s of range(S)) c.line(`const b${s} = x[x${s} + i];`);
        for (const r of range(R)) c.line(`dw[w${r} + i] += ${range(S).map((s) => `a${r}${s} * b${s}`).join(' + ')};`);
        c.close();
        c.close();
        c.close();
      }
    }
    if (k.bias) {
      c.open(`for (let k = 0; k < ${C}; k++)`);
      c.line('let s = 0;');
      c.line(`for (let o = k; o < ${T * C}; o += ${C}) s += dy[o];`);
      c.line('db[k] += s;');
      c.close();
    }
  }
  return c.close().toString();
}

const hasBias = (l: { params: { key: string }[] }) => l.params.some((q) => q.key === 'b');

export const fullEmitter: OpEmitter<FullLayer, FullTilesKernel> = {
  kinds: ['full-tiles'],
  print: printFull,
  forward: (_l, { call }) => `${call('forward')};`,
  backward: (_l, { call }) => `${call('grad')};\n${call('backward')};`,
  checks: (layer, { l, nIn, nOut, k, w, name, msg }) => {
    const b = layer.bias;
    return [
      `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
      `const y = nan(${nOut}); ${k('forward')}(f(x), f(${w('w')}), ${b ? `f(${w('b')}), ` : ''}y); close(${msg('_forward')}, y, fwd.activations[${l}]);`,
      `const dx = nan(${nIn}); ${k('backward')}(f(dy), f(${w('w')}), dx); close(${msg('_backward')}, dx, sensIn(${l}));`,
      `const dw = half(${layer.params[0].size});${b ? ` const db = half(${layer.output.c});` : ''}`,
      `${k('grad')}(f(dy), f(x), dw${b ? ', db' : ''});`,
      `close(${msg('_grad w (adds)')}, dw, plusHalf(bwd.grads[${name}].w));`,
      ...(b ? [`close(${msg('_grad b (adds)')}, db, plusHalf(bwd.grads[${name}].b));`] : []),
    ];
  },
  interpreter: ['fullGrad'],
  gradTerms: (layer, { l }): Record<string, SumTerms> => (layer.bias ? { b: { terms: `fullGrad(layer<'full'>(${l}), T, abs(bwd.sensitivities[${l}]!), inputOf(${l})).b!`, below: 'zero' } } : {}),
};
