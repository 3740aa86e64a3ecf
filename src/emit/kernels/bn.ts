// Batch normalisation kernels (docs/operations.md, BN_F / BN_BF). A "line" is the set of values
// normalised together: in `position` mode the T values of one (k,i,j), stride C·H·W apart;
// in `channel` mode the T·H·W values of one channel. Every loop bound and stride is a literal.
//   forward(x, gamma, beta, runningMean, runningVar, y, xhat, invStd)   training: batch
//       statistics (biased variance), caches x̂ and 1/sqrt(σ²+ε) for backward, updates the
//       running averages: running = (1-momentum)·running + momentum·batch
//   infer(x, gamma, beta, runningMean, runningVar, y)                   running statistics
//   infer writes x̂ and invStd too, so that a backward pass can follow an inference pass.
//   backward(dy, xhat, invStd, gamma, dx, dgamma, dbeta, training)      dx written, dγ and dβ
//       accumulated. Training: steps 1-6 of docs/operations.md collapse (using Σ(x-μ) = 0) to
//       dx = γ·invStd/N · (N·g - Σg - x̂·Σ(g·x̂)),  N = the line's length. After an
//       inference pass μ and σ² are constants: dx = γ·invStd·g.
import type { BnKernel } from '../../lower/types.js';
import type { BnLayer } from '../../model/checked.js';
import { CodeWriter, signature } from './code-writer.js';
import type { OpEmitter } from './types.js';

/** A number literal that reads back as exactly the same double. */
const num = (v: number): string => String(v);

/** The loop over one line's offsets `o` (line index `p`), as a head and its closing braces. */
function lineLoop(k: BnKernel): { open: string; close: string } {
  const { T, C, HW } = k;
  if (k.mode === 'position') {
    const P = C * HW;
    return { open: `for (let o = p; o < ${T * P}; o += ${P}) {`, close: '}' };
  }
  return { open: `for (let b = p * ${HW}; b < ${T * C * HW}; b += ${C * HW}) { for (let o = b; o < b + ${HW}; o++) {`, close: '}}' };
}

export function printBn(k: BnKernel): string {
  const L = lineLoop(k);
  const each = (body: string) => `${L.open} ${body} ${L.close}`;
  const eps = num(k.eps);
  const c = new CodeWriter().open(signature(k)).open(`for (let p = 0; p < ${k.count}; p++)`);
  if (k.role === 'forward') {
    c.line('let mean = 0;');
    c.line(each('mean += x[o];'));
    c.line(`mean /= ${k.n};`);
    c.line('let v = 0;');
    c.line(each('const d = x[o] - mean; v += d * d;'));
    c.line(`v /= ${k.n};`);
    c.line(`const inv = 1 / Math.sqrt(v + ${eps});`);
    c.line('invStd[p] = inv;');
    c.line('const g = gamma[p], bt = beta[p];');
    c.line(each('const h = (x[o] - mean) * inv; xhat[o] = h; y[o] = g * h + bt;'));
    c.line(`runningMean[p] = ${num(1 - k.momentum)} * runningMean[p] + ${num(k.momentum)} * mean;`);
    c.line(`runningVar[p] = ${num(1 - k.momentum)} * runningVar[p] + ${num(k.momentum)} * v;`);
  } else if (k.role === 'infer') {
    c.line('const mean = runningMean[p];');
    c.line(`const inv = 1 / Math.sqrt(runningVar[p] + ${eps});`);
    c.line('invStd[p] = inv;');
    c.line('const g = gamma[p], bt = beta[p];');
    c.line(each('const h = (x[o] - mean) * inv; xhat[o] = h; y[o] = g * h + bt;'));
  } else {
    c.line('let sg = 0, sgx = 0;');
    c.line(each('const g = dy[o]; sg += g; sgx += g * xhat[o];'));
    c.line('dgamma[p] += sgx;');
    c.line('dbeta[p] += sg;');
    c.open('if (!training)');
    c.line('const k = gamma[p] * invStd[p];');
    c.line(each('dx[o] = k * dy[o];'));
    c.line('continue;');
    c.close();
    c.line(`const k = gamma[p] * invStd[p] / ${k.n};`);
    c.line(each(`dx[o] = k * (${k.n} * dy[o] - sg - xhat[o] * sgx);`));
  }
  return c.close().close().toString();
}

export const bnEmitter: OpEmitter<BnLayer, BnKernel> = {
  kinds: ['bn'],
  print: printBn,
  interpreter: ['bnForward', 'bnBackward'],
  forward: (_l, { call }) => `if (training) ${call('forward')};\nelse ${call('infer')};`,
  backward: (_l, { call }) => `${call('backward')};`,
  checks: (layer, { l, nIn, nOut, k, w, name, msg }) => {
    const G = layer.params[0].size;
    return [
      `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
      `const gamma = f(${w('gamma')}), beta = f(${w('beta')}), rm = f(${w('runningMean')}), rv = f(${w('runningVar')});`,
      `const y = nan(${nOut}), xhat = nan(${nIn}), invStd = nan(${G});`,
      `${k('forward')}(f(x), gamma, beta, rm, rv, y, xhat, invStd);`,
      `close(${msg('_forward')}, y, fwd.activations[${l}]);`,
      `close(${msg('_forward runningMean')}, rm, Wrun[${name}].runningMean);`,
      `close(${msg('_forward runningVar')}, rv, Wrun[${name}].runningVar);`,
      `const dx = nan(${nIn}), dg = half(${G}), db = half(${G});`,
      `${k('backward')}(f(dy), xhat, invStd, gamma, dx, dg, db, true);`,
      `close(${msg('_backward')}, dx, sensIn(${l}));`,
      `close(${msg('_backward dgamma (adds)')}, dg, plusHalf(bwd.grads[${name}].gamma));`,
      `close(${msg('_backward dbeta (adds)')}, db, plusHalf(bwd.grads[${name}].beta));`,
      `// Inference: the running statistics the training pass left, and the backward pass that`,
      `// treats them as constants.`,
      `const p = { gamma: Float64Array.from(${w('gamma')}), beta: Float64Array.from(${w('beta')}), runningMean: Float64Array.from(Wrun[${name}].runningMean), runningVar: Float64Array.from(Wrun[${name}].runningVar) };`,
      `const ref = bnForward(layer<'bn'>(${l}), T, x, p, false);`,
      `const refBack = bnBackward(layer<'bn'>(${l}), T, dy, ref.cache, p.gamma);`,
      `const yi = nan(${nOut}), xhatI = nan(${nIn}), invI = nan(${G});`,
      `${k('infer')}(f(x), gamma, beta, f(p.runningMean), f(p.runningVar), yi, xhatI, invI);`,
      `close(${msg('_infer')}, yi, ref.y);`,
      `const dxi = nan(${nIn}), dgi = half(${G}), dbi = half(${G});`,
      `${k('backward')}(f(dy), xhatI, invI, gamma, dxi, dgi, dbi, false);`,
      `close(${msg('_backward (inference)')}, dxi, refBack.dx);`,
      `close(${msg('_backward dgamma (inference)')}, dgi, plusHalf(refBack.dgamma));`,
      `close(${msg('_backward dbeta (inference)')}, dbi, plusHalf(refBack.dbeta));`,
    ];
  },
};
