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
import type { OpEmitter, SumTerms } from './types.js';

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
  // Shard builds: the statistics divide by the whole mini-batch's line length N, and the
  // per-line sums come from `sums` (the sums over every shard, put there by the Model).
  const N = k.sync?.N ?? k.n;
  const running = () => {
    c.line(`runningMean[p] = ${num(1 - k.momentum)} * runningMean[p] + ${num(k.momentum)} * mean;`);
    c.line(`runningVar[p] = ${num(1 - k.momentum)} * runningVar[p] + ${num(k.momentum)} * v;`);
  };
  const normalise = () => {
    c.line(`const inv = 1 / Math.sqrt(v + ${eps});`);
    c.line('invStd[p] = inv;');
    c.line('const g = gamma[p], bt = beta[p];');
    c.line(each('const h = (x[o] - mean) * inv; xhat[o] = h; y[o] = g * h + bt;'));
  };
  const dx = (sg: string, sgx: string) => {
    c.open('if (!training)');
    c.line('const k = gamma[p] * invStd[p];');
    c.line(each('dx[o] = k * dy[o];'));
    c.line('continue;');
    c.close();
    c.line(`const k = gamma[p] * invStd[p] / ${N};`);
    c.line(each(`dx[o] = k * (${N} * dy[o] - ${sg} - xhat[o] * ${sgx});`));
  };
  if (k.sync && k.role === 'stats') {
    c.line('let s = 0;');
    c.line(each('s += x[o];'));
    c.line('sums[p] = s;');
  } else if (k.sync && k.role === 'spread') {
    c.line(`const mean = sums[p] / ${N};`);
    c.line('let v = 0;');
    c.line(each('const d = x[o] - mean; v += d * d;'));
    c.line(`sums[${k.count} + p] = v;`);
  } else if (k.sync && k.role === 'forward') {
    c.line(`const mean = sums[p] / ${N}, v = sums[${k.count} + p] / ${N};`);
    normalise();
    running();
  } else if (k.sync && k.role === 'backsums') {
    c.line('let sg = 0, sgx = 0;');
    c.line(each('const g = dy[o]; sg += g; sgx += g * xhat[o];'));
    c.line('dgamma[p] += sgx;');
    c.line('dbeta[p] += sg;');
    c.line('sums[p] = sg;');
    c.line(`sums[${k.count} + p] = sgx;`);
  } else if (k.sync && k.role === 'backward') {
    dx('sums[p]', `sums[${k.count} + p]`);
  } else if (k.role === 'forward') {
    c.line('let mean = 0;');
    c.line(each('mean += x[o];'));
    c.line(`mean /= ${k.n};`);
    c.line('let v = 0;');
    c.line(each('const d = x[o] - mean; v += d * d;'));
    c.line(`v /= ${k.n};`);
    normalise();
    running();
  } else if (k.role === 'infer') {
    // An inference plan binds no caches (nothing runs backward): the stores go.
    const caches = k.params.some((q) => q.name === 'xhat');
    c.line('const mean = runningMean[p];');
    c.line(`const inv = 1 / Math.sqrt(runningVar[p] + ${eps});`);
    if (caches) c.line('invStd[p] = inv;');
    c.line('const g = gamma[p], bt = beta[p];');
    c.line(each(caches ? 'const h = (x[o] - mean) * inv; xhat[o] = h; y[o] = g * h + bt;' : 'const h = (x[o] - mean) * inv; y[o] = g * h + bt;'));
  } else {
    c.line('let sg = 0, sgx = 0;');
    c.line(each('const g = dy[o]; sg += g; sgx += g * xhat[o];'));
    c.line('dgamma[p] += sgx;');
    c.line('dbeta[p] += sg;');
    dx('sg', 'sgx');
  }
  return c.close().close().toString();
}

export const bnEmitter: OpEmitter<BnLayer, BnKernel> = {
  kinds: ['bn'],
  print: printBn,
  interpreter: ['bnForward', 'bnBackward'],
  // Shard builds: between the kernels, this.$reduce(layer, part) makes the sums those of the
  // whole mini-batch (part 0: Σx, 1: Σ(x−μ)², 2: Σdy and Σdy·x̂; none after an inference pass).
  forward: (l, { call, has }) => has('stats')
    ? `if (training) { ${call('stats')}; this.$reduce(${l.index}, 0); ${call('spread')}; this.$reduce(${l.index}, 1); ${call('forward')}; }\nelse ${call('infer')};`
    : `if (training) ${call('forward')};\nelse ${call('infer')};`,
  backward: (l, { call, has }) => has('backsums')
    ? `${call('backsums')};\nif (this.$training) this.$reduce(${l.index}, 2);\n${call('backward')};`
    : `${call('backward')};`,
  checks: (layer, { l, nIn, nOut, k, w, name, msg }) => {
    const G = layer.params[0].size;
    return [
      `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
      `const gamma = f(${w('gamma')}), beta = f(${w('beta')}), rm = f(${w('runningMean')}), rv = f(${w('runningVar')});`,
      `const y = nan(${nOut}), xhat = nan(${nIn}), invStd = nan(${G});`,
      `${k('forward')}(f(x), gamma, beta, rm, rv, y, xhat, invStd);`,
      `close(${msg('_forward')}, y, fwd.activations[${l}]);`,
      `close(${msg('_forward runningMean')}, rm, Wrun[${name}].runningMean, stateFloors[${name}].runningMean);`,
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
  // Σ|dy|·|x̂| and Σ|dy| over each line: bnBackward's dγ and dβ of the magnitudes. Both cancel
  // right below another bn whose lines make up this one's (same mode, or position above
  // channel): its dx sums to 0 over each line, and nearly to 0 against x̂ (dγ is then about
  // ε/σ² of its terms), so the floor applies wherever they are small against the terms.
  gradTerms: (layer, { l, w }) => {
    const terms = `bnBackward(layer<'bn'>(${l}), T, abs(bwd.sensitivities[${l}]!), { ...fwd.caches[${l}]!, xhat: abs(fwd.caches[${l}]!.xhat) }, ${w('gamma')})`;
    return { gamma: { terms: `${terms}.dgamma`, below: 'small' }, beta: { terms: `${terms}.dbeta`, below: 'small' } };
  },
  // The running mean, (1-momentum)·|old| + momentum/N·Σ|x| over each line: bnForward's update
  // on the magnitudes. It cancels above another bn (whose output has batch mean β = 0). The
  // running variance's terms are never negative: its relative check needs no floor.
  stateTerms: (layer, { l, w }): Record<string, SumTerms> => {
    const p = `{ gamma: ${w('gamma')}, beta: ${w('beta')}, runningMean: abs(${w('runningMean')}), runningVar: Float64Array.from(${w('runningVar')}) }`;
    return { runningMean: { terms: `((p) => (bnForward(layer<'bn'>(${l}), T, abs(inputOf(${l})), p, true), p.runningMean))(${p})`, below: 'small' } };
  },
};
