// Conv kernels (docs/operations.md, Conv_F / Conv_BF / Conv_grad) emitted from the plans of
// src/lower/conv.ts. Every size, offset and loop bound is a literal; interior regions read
// without bounds tests, border regions read only their clipped taps.
//
//   forward(x, w, y)    writes y
//   backward(dy, w, dx) writes dx (the rotated, channel-transposed window)
//   grad(dy, x, dw)     ADDS into dw
// With bias=true: forward(x, w, b, y) starts every output of channel k from b[k] instead
// of 0; grad(dy, x, dw, db) also ADDS Σ_{t,i,j} dy[t][k][i][j] into db[k].
//
// The exported kernel clears its output when it writes one, then calls one helper
// function per piece of the plan (`<layer>$<role><n>`), so no function exceeds the budget.

import type { ConvLayer } from '../../model/checked.js';
import type { ConvPaddedKernel, ConvPassGeometry, ConvPassPlan, ConvPiece, ConvSplitKernel, Region } from '../../lower/types.js';
import { printConvPadded } from './conv-padded.js';
import type { OpEmitter, SumTerms } from './types.js';
import { CodeWriter, addScaled, blockOf, plus, range, signature, sum, times, weightOffset as layoutOffset } from './code-writer.js';

export { emitConv, emitConvWith } from '../compat.js';

/** The bias's parameters (b, db) in a conv kernel's signature: forward and grad of a biased layer. */
const BIAS_PARAMS = new Set(['b', 'db']);

/** The signature's map, weight and output parameters, without the bias's (what the passes read and write). */
export const convMaps = (k: { params: { name: string }[] }): string[] => k.params.map((p) => p.name).filter((n) => !BIAS_PARAMS.has(n));

/** The kernel's signature carries the bias: `b` (forward) or `db` (grad). */
export const convBiased = (k: { params: { name: string }[] }): boolean => k.params.some((p) => BIAS_PARAMS.has(p.name));

/**
 * Clears the output before the passes add into it, or, in a biased forward, fills each
 * channel's maps with its bias: y = b[k] + Σ window terms, the interpreter's order.
 */
export function printOutputStart(c: CodeWriter, plan: ConvPassGeometry, out: string, biased: boolean): void {
  if (!biased) { c.line(`${out}.fill(0);`); return; }
  const HW = plan.H * plan.W;
  c.open(`for (let k = 0; k < ${plan.outC}; k++)`);
  c.line('const bk = b[k];');
  c.line(`for (let o = ${times('k', HW)}; o < ${plan.batch * plan.outC * HW}; o += ${plan.outC * HW}) ${out}.fill(bk, o, ${plus('o', HW)});`);
  c.close();
}

/** Biased grad: db[k] += Σ_{t,i,j} dy[t][k][i][j] (each channel's map of every sample). */
export function printBiasGrad(c: CodeWriter, plan: ConvPassGeometry): void {
  const HW = plan.H * plan.W;
  c.open(`for (let k = 0; k < ${plan.outC}; k++)`);
  c.line('let s = 0;');
  c.line(`for (let o = ${times('k', HW)}; o < ${plan.batch * plan.outC * HW}; o += ${plan.outC * HW}) for (let e = o; e < ${plus('o', HW)}; e++) s += dy[e];`);
  c.line('db[k] += s;');
  c.close();
}

/** The split schedule of one pass: the exported kernel, then one helper per piece of the plan. */
export function printConvSplit(k: ConvSplitKernel): string {
  const plan = k.conv;
  const params = convMaps(k);
  const biased = convBiased(k);
  const out = params[2];
  const main = new CodeWriter();
  main.open(signature(k));
  if (plan.pass !== 'grad') printOutputStart(main, plan, out, biased);
  const helpers: string[] = [];
  plan.pieces.forEach((piece, n) => {
    const helper = `${k.helperPrefix}${plan.pass}${n}`;
    main.line(`${helper}(${params.join(', ')});`);
    helpers.push(plan.pass === 'grad' ? emitGradPiece(plan, piece, helper) : emitSweepPiece(plan, piece, helper, params));
  });
  if (plan.pass === 'grad' && biased) printBiasGrad(main, plan);
  main.close();
  return [main.toString(), ...helpers].join('\n\n');
}

function pieceComment(plan: ConvPassPlan, piece: ConvPiece): string {
  const kind = piece.interior ? 'interior' : 'border';
  return `// ${kind}, ${piece.unroll === 'window' ? 'window unrolled' : 'tap loops rolled'}, ` +
    `${piece.group.size} channel(s) per pass, ${piece.terms} statements (${plan.pass})`;
}

function regionComment(r: Region): string {
  return `// rows ${r.rows.start}..${r.rows.end - 1} taps ${r.rows.lo}..${r.rows.hi - 1}, ` +
    `cols ${r.cols.start}..${r.cols.end - 1} taps ${r.cols.lo}..${r.cols.hi - 1}`;
}

/** Offset of map position (i - m + p, j - n + q) from position (i, j). */
function tapShift(plan: ConvPassPlan, p: number, q: number): number {
  return (p - plan.anchor.row) * plan.W + (q - plan.anchor.col);
}

const weightOffset = (plan: ConvPassPlan, b: number, p: number, q: number): number => layoutOffset(plan.weight, b, p, q);

/** The taps a piece reads, in scan order (p outer, q inner). */
function usedTaps(piece: ConvPiece): [number, number][] {
  const used = new Set<number>();
  let maxQ = 0;
  for (const r of piece.regions) maxQ = Math.max(maxQ, r.cols.hi);
  for (const r of piece.regions)
    for (let p = r.rows.lo; p < r.rows.hi; p++)
      for (let q = r.cols.lo; q < r.cols.hi; q++) used.add(p * maxQ + q);
  return [...used].sort((a, b) => a - b).map((t) => [Math.floor(t / maxQ), t % maxQ]);
}

/** Opens the loops over the blocked channels: a constant when the group is one block. */
function openBlockLoop(c: CodeWriter, piece: ConvPiece): void {
  c.forRange('k', piece.group.start, piece.group.end, piece.group.size);
}

/**
 * Forward and backward: a forward conv of the swept map (x, or δ_r for backward) into the
 * output block. For each sample, output channel block and input channel: load the block's
 * weights into locals, then sweep every region, adding into the output.
 */
function emitSweepPiece(plan: ConvPassPlan, piece: ConvPiece, helper: string, params: string[]): string {
  const [src, , dst] = params;
  const { batch: T, inC, outC, W } = plan;
  const HW = plan.H * plan.W;
  const B = piece.group.size;
  const c = new CodeWriter();
  c.open(`function ${helper}(${src}: F, w: F, ${dst}: F): void`);
  c.line(pieceComment(plan, piece));
  c.forRange('t', 0, T);
  openBlockLoop(c, piece);
  c.line(`const yk = ${times(`(t * ${outC} + k)`, HW)};`);
  c.open(`for (let c = 0; c < ${inC}; c++)`);
  c.line(`const xc = ${times(`(t * ${inC} + c)`, HW)};`);
  c.line(`const wk = ${sum([times('k', plan.weight.outStride), times('c', plan.weight.inStride)])};`);
  const taps = piece.unroll === 'window' ? usedTaps(piece) : [];
  // One line per tap (all channels of the block): the text stays compact.
  for (const [p, q] of taps) {
    c.line(`const ${blockOf(B, (b) => `w${b}_${p}_${q} = w[${plus('wk', weightOffset(plan, b, p, q))}]`, ', ')};`);
  }
  for (const r of piece.regions) {
    c.line(regionComment(r));
    c.forRange('i', r.rows.start, r.rows.end);
    c.line(`const xr = xc + ${times('i', W)};`);
    c.line(`const yr = yk + ${times('i', W)};`);
    c.forRange('j', r.cols.start, r.cols.end);
    c.line('const xo = xr + j;');
    c.line('const yo = yr + j;');
    if (piece.unroll === 'window') {
      c.line(`let ${blockOf(B, (b) => `a${b} = ${dst}[${plus('yo', b * HW)}]`, ', ')};`);
      for (let p = r.rows.lo; p < r.rows.hi; p++)
        for (let q = r.cols.lo; q < r.cols.hi; q++) {
          const read = `${src}[${plus('xo', tapShift(plan, p, q))}]`;
          if (B === 1) { c.line(`a0 += w0_${p}_${q} * ${read};`); continue; }
          c.line(`const v${p}_${q} = ${read}; ${blockOf(B, (b) => `a${b} += w${b}_${p}_${q} * v${p}_${q};`, ' ')}`);
        }
      c.line(blockOf(B, (b) => `${dst}[${plus('yo', b * HW)}] = a${b};`, ' '));
    } else {
      // Rolled taps, one channel per pass (B = 1): literal tap bounds, still no bounds test.
      const L = plan.weight;
      c.line(`let a = ${dst}[yo];`);
      c.open(`for (let p = ${r.rows.lo}; p < ${r.rows.hi}; p++)`);
      c.line(`const xp = ${plus(`xo + ${times('p', W)}`, tapShift(plan, 0, 0))};`);
      c.line(`const wp = ${plus(addScaled('wk', 'p', L.pStride), L.tapBase)};`);
      c.line(`for (let q = ${r.cols.lo}; q < ${r.cols.hi}; q++) a += w[wp ${L.qStride === 1 ? '+' : '-'} q] * ${src}[xp + q];`);
      c.close();
      c.line(`${dst}[yo] = a;`);
    }
    c.close();
    c.close();
  }
  c.close(); // c
  c.close(); // k
  c.close(); // t
  c.close();
  return c.toString();
}

/**
 * Gradient: Δw[k][c][p][q] += Σ_t Σ_(i,j) δ_r[t][k][i][j] · x[t][c][i-m+p][j-n+q]. For each
 * block of δ_r channels and each x channel, the block's gradients accumulate in locals over
 * the whole batch and every region, then are added into dw once.
 */
function emitGradPiece(plan: ConvPassPlan, piece: ConvPiece, helper: string): string {
  const { batch: T, inC, outC, W } = plan;
  const HW = plan.H * plan.W;
  const B = piece.group.size;
  const c = new CodeWriter();
  c.open(`function ${helper}(dy: F, x: F, dw: F): void`);
  c.line(pieceComment(plan, piece));
  openBlockLoop(c, piece);
  c.open(`for (let c = 0; c < ${inC}; c++)`);
  c.line(`const wk = ${sum([times('k', plan.weight.outStride), times('c', plan.weight.inStride)])};`);
  if (piece.unroll === 'window' && piece.byRows) {
    emitGradByRows(c, plan, piece);
  } else if (piece.unroll === 'window') {
    const taps = usedTaps(piece);
    for (let b = 0; b < B; b++) c.line(`let ${taps.map(([p, q]) => `g${b}_${p}_${q} = 0`).join(', ')};`);
    c.open(`for (let t = 0; t < ${T}; t++)`);
    c.line(`const dk = ${times(`(t * ${outC} + k)`, HW)};`);
    c.line(`const xc = ${times(`(t * ${inC} + c)`, HW)};`);
    for (const r of piece.regions) {
      c.line(regionComment(r));
      c.forRange('i', r.rows.start, r.rows.end);
      c.line(`const dr = dk + ${times('i', W)};`);
      c.line(`const xr = xc + ${times('i', W)};`);
      c.forRange('j', r.cols.start, r.cols.end);
      c.line('const xo = xr + j;');
      c.line(`const ${blockOf(B, (b) => `d${b} = dy[${plus('dr + j', b * HW)}]`, ', ')};`);
      for (let p = r.rows.lo; p < r.rows.hi; p++)
        for (let q = r.cols.lo; q < r.cols.hi; q++) {
          const read = `x[${plus('xo', tapShift(plan, p, q))}]`;
          if (B === 1) { c.line(`g0_${p}_${q} += d0 * ${read};`); continue; }
          c.line(`const v${p}_${q} = ${read}; ${blockOf(B, (b) => `g${b}_${p}_${q} += d${b} * v${p}_${q};`, ' ')}`);
        }
      c.close();
      c.close();
    }
    c.close(); // t
    for (const [p, q] of taps) c.line(blockOf(B, (b) => `dw[${plus('wk', weightOffset(plan, b, p, q))}] += g${b}_${p}_${q};`, ' '));
  } else {
    // Rolled: one (p, q) at a time, its gradient summed over the batch and the region.
    for (const r of piece.regions) {
      c.line(regionComment(r));
      c.open(`for (let p = ${r.rows.lo}; p < ${r.rows.hi}; p++)`);
      c.open(`for (let q = ${r.cols.lo}; q < ${r.cols.hi}; q++)`);
      c.line(`const shift = ${plus(`${times('p', W)} + q`, tapShift(plan, 0, 0))};`);
      c.line('let s = 0;');
      c.open(`for (let t = 0; t < ${T}; t++)`);
      c.line(`const dk = ${times(`(t * ${outC} + k)`, HW)};`);
      c.line(`const xc = ${times(`(t * ${inC} + c)`, HW)} + shift;`);
      c.open(`for (let i = ${r.rows.start}; i < ${r.rows.end}; i++)`);
      c.line(`const o = ${times('i', W)};`);
      c.line(`for (let j = ${r.cols.start}; j < ${r.cols.end}; j++) s += dy[dk + o + j] * x[xc + o + j];`);
      c.close();
      c.close();
      c.line(`dw[wk + ${times('p', plan.N)} + q] += s;`);
      c.close();
      c.close();
    }
  }
  c.close(); // c
  c.close(); // k
  c.close();
  return c.toString();
}

/**
 * Gradient one tap row at a time: for each tap row p, only the B×(its taps) gradients are
 * live across the pixel loops, few enough to stay in registers instead of being spilled.
 */
function emitGradByRows(c: CodeWriter, plan: ConvPassPlan, piece: ConvPiece): void {
  const { batch: T, inC, outC, W } = plan;
  const HW = plan.H * plan.W;
  const B = piece.group.size;
  const rows = [...new Set(piece.regions.flatMap((r) => range(r.rows.lo, r.rows.hi)))].sort((a, b) => a - b);
  for (const p of rows) {
    const regions = piece.regions.filter((r) => r.rows.lo <= p && p < r.rows.hi);
    const qs = [...new Set(regions.flatMap((r) => range(r.cols.lo, r.cols.hi)))].sort((a, b) => a - b);
    c.open('');
    c.line(`// tap row ${p}`);
    for (let b = 0; b < B; b++) c.line(`let ${qs.map((q) => `g${b}_${q} = 0`).join(', ')};`);
    c.open(`for (let t = 0; t < ${T}; t++)`);
    c.line(`const dk = ${times(`(t * ${outC} + k)`, HW)};`);
    c.line(`const xc = ${times(`(t * ${inC} + c)`, HW)};`);
    for (const r of regions) {
      c.line(regionComment(r));
      c.forRange('i', r.rows.start, r.rows.end);
      c.line(`const dr = dk + ${times('i', W)};`);
      c.line(`const xr = xc + ${times('i', W)};`);
      c.forRange('j', r.cols.start, r.cols.end);
      c.line('const xo = xr + j;');
      c.line(`const ${blockOf(B, (b) => `d${b} = dy[${plus('dr + j', b * HW)}]`, ', ')};`);
      for (let q = r.cols.lo; q < r.cols.hi; q++) {
        const read = `x[${plus('xo', tapShift(plan, p, q))}]`;
        if (B === 1) { c.line(`g0_${q} += d0 * ${read};`); continue; }
        c.line(`const v${q} = ${read}; ${blockOf(B, (b) => `g${b}_${q} += d${b} * v${q};`, ' ')}`);
      }
      c.close();
      c.close();
    }
    c.close(); // t
    for (const q of qs) c.line(blockOf(B, (b) => `dw[${plus('wk', weightOffset(plan, b, p, q))}] += g${b}_${q};`, ' '));
    c.close();
  }
}

export const convEmitter: OpEmitter<ConvLayer, ConvPaddedKernel | ConvSplitKernel> = {
  kinds: ['conv-padded', 'conv-split'],
  print: (k, dtype) => (k.kind === 'conv-padded' ? printConvPadded(k, dtype) : printConvSplit(k)),
  forward: (_l, { call }) => `${call('forward')};`,
  backward: (_l, { call }) => `${call('grad')};\n${call('backward')};`,
  checks: (layer, { l, nIn, nOut, k, w, name, msg }) => [
    `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
    `const y = nan(${nOut}); ${k('forward')}(f(x), f(${w('w')}), ${layer.bias ? `f(${w('b')}), ` : ''}y); close(${msg('_forward')}, y, fwd.activations[${l}]);`,
    `const dx = nan(${nIn}); ${k('backward')}(f(dy), f(${w('w')}), dx); close(${msg('_backward')}, dx, sensIn(${l}));`,
    // Unbiased: the line as it was before conv had a bias (generated tests stay byte-identical).
    ...(layer.bias
      ? [
        `const dw = half(${layer.params[0].size}), db = half(${layer.output.c}); ${k('grad')}(f(dy), f(x), dw, db);`,
        `close(${msg('_grad w (adds)')}, dw, plusHalf(bwd.grads[${name}].w));`,
        `close(${msg('_grad b (adds)')}, db, plusHalf(bwd.grads[${name}].b));`,
      ]
      : [`const dw = half(${layer.params[0].size}); ${k('grad')}(f(dy), f(x), dw); close(${msg('_grad (adds)')}, dw, plusHalf(bwd.grads[${name}].w));`]),
  ],
  interpreter: ['convBiasGrad'],
  gradTerms: (layer, { l }): Record<string, SumTerms> => (layer.bias ? { b: { terms: `convBiasGrad(layer<'conv'>(${l}), T, abs(bwd.sensitivities[${l}]!))`, below: 'zero' } } : {}),
};
