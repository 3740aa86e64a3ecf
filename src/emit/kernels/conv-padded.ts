// Conv kernels over a zero-padded scratch map (plans from src/lower/conv-padded.ts). For
// each sample the exported kernel copies the swept map into the scratch (a module-level
// array of one sample, whose padding is never written and so stays zero), then calls the
// body helper, which reads whole windows with no bounds test and no border code.
//
//   forward(x, w, y)    writes y
//   backward(dy, w, dx) writes dx
//   grad(dy, x, dw)     ADDS into dw
// With bias=true forward(x, w, b, y) starts channel k's outputs from b[k] and
// grad(dy, x, dw, db) also adds each channel's Σ dy into db (conv.ts).

import type { ConvPaddedKernel, Dtype, PaddedConvPlan } from '../../lower/types.js';
import { CodeWriter, plus, range, signature, sum, times, weightOffset as layoutOffset } from './code-writer.js';
import { convBiased, convMaps, printBiasGrad, printOutputStart } from './conv.js';

export { emitPaddedPass } from '../compat.js';

/** The exported kernel (copy each sample, run the body), the scratch array, the copy and the body. */
export function printConvPadded(k: ConvPaddedKernel, dtype: Dtype): string {
  const plan = k.conv;
  const [a, b, out] = convMaps(k);
  const biased = convBiased(k);
  const { batch: T, inC, outC, H, W } = plan;
  const HW = H * W;
  const scratch = `${k.helperPrefix}${plan.pass}Pad`;
  const copy = `${k.helperPrefix}${plan.pass}Copy`;
  const body = `${k.helperPrefix}${plan.pass}0`;
  // The map read through the window: x (forward, grad) or δ_r (backward); its channels are
  // `inC` for forward and backward, and x's (the swept side) for grad too.
  const padded = plan.pass === 'grad' ? b : a;
  const main = new CodeWriter();
  main.open(signature(k));
  if (plan.pass !== 'grad') printOutputStart(main, plan, out, biased);
  main.open(`for (let t = 0; t < ${T}; t++)`);
  main.line(`${copy}(${padded}, ${times('t', inC * HW)}, ${scratch});`);
  main.line(plan.pass === 'grad'
    ? `${body}(dy, ${scratch}, dw, ${times('t', outC * HW)});`
    : `${body}(${scratch}, w, ${out}, ${times('t', outC * HW)});`);
  main.close();
  if (plan.pass === 'grad' && biased) printBiasGrad(main, plan);
  main.close();
  const array = dtype === 'f32' ? 'Float32Array' : 'Float64Array';
  return [
    main.toString(),
    `// one sample's map, zero-padded to ${inC}x${plan.Hp}x${plan.Wp}; only its interior is ever written\n` +
      `const ${scratch}: F = new ${array}(${k.scratch.elements});`,
    emitCopy(plan, copy),
    plan.pass === 'grad' ? emitGradBody(plan, body) : emitSweepBody(plan, body, out),
  ].join('\n\n');
}

/** Copies one sample's map (offset `s0`) into the scratch at (row + m, col + n). */
function emitCopy(plan: PaddedConvPlan, fn: string): string {
  const { inC, H, W, Hp, Wp, copyRows, copyCols } = plan;
  const c = new CodeWriter();
  c.open(`function ${fn}(src: F, s0: number, xp: F): void`);
  if (copyRows.end > copyRows.start && copyCols.end > copyCols.start) {
    c.forRange('c', 0, inC);
    c.forRange('i', copyRows.start, copyRows.end);
    c.line(`const s = ${sum(['s0', times('c', H * W), times('i', W)])};`);
    c.line(`const d = ${plus(sum([times('c', Hp * Wp), times('i', Wp)]), plan.anchor.row * Wp + plan.anchor.col)};`);
    c.line(`for (let j = ${copyCols.start}; j < ${copyCols.end}; j++) xp[d + j] = src[s + j];`);
    c.close();
    c.close();
  }
  c.close();
  return c.toString();
}

const weightOffset = (plan: PaddedConvPlan, b: number, p: number, q: number): number => layoutOffset(plan.weight, b, p, q);

/** Forward and backward: for each block of B output channels and each swept channel, weights in locals, P positions a pass. */
function emitSweepBody(plan: PaddedConvPlan, fn: string, dst: string): string {
  const { inC, H, W, M, N, Hp, Wp, pixels: P, rest } = plan;
  const HW = H * W;
  const c = new CodeWriter();
  c.open(`function ${fn}(xp: F, w: F, ${dst}: F, o0: number): void`);
  for (const g of plan.groups) {
    const B = g.size;
    c.forRange('k', g.start, g.end, B);
    c.line(`const yk = ${sum(['o0', times('k', HW)])};`);
    c.open(`for (let c = 0; c < ${inC}; c++)`);
    c.line(`const xc = ${times('c', Hp * Wp)};`);
    c.line(`const wk = ${sum([times('k', plan.weight.outStride), times('c', plan.weight.inStride)])};`);
    for (let p = 0; p < M; p++)
      for (let q = 0; q < N; q++)
        c.line(`const ${range(0, B).map((b) => `w${b}_${p}_${q} = w[${plus('wk', weightOffset(plan, b, p, q))}]`).join(', ')};`);
    c.open(`for (let i = 0; i < ${H}; i++)`);
    c.line(`const xr = xc + ${times('i', Wp)};`);
    c.line(`const yr = yk + ${times('i', W)};`);
    const full = W - rest;
    const block = (n: number) => {
      c.line(`const xo = xr + j, yo = yr + j;`);
      const acc = (b: number, x: number) => `a${b}_${x}`;
      c.line(`let ${range(0, B).flatMap((b) => range(0, n).map((x) => `${acc(b, x)} = ${dst}[${plus('yo', b * HW + x)}]`)).join(', ')};`);
      for (let p = 0; p < M; p++) {
        c.line(`const ${range(0, n + N - 1).map((s) => `v${p}_${s} = xp[${plus('xo', p * Wp + s)}]`).join(', ')};`);
        for (let q = 0; q < N; q++)
          c.line(range(0, B).flatMap((b) => range(0, n).map((x) => `${acc(b, x)} += w${b}_${p}_${q} * v${p}_${q + x};`)).join(' '));
      }
      c.line(range(0, B).flatMap((b) => range(0, n).map((x) => `${dst}[${plus('yo', b * HW + x)}] = ${acc(b, x)};`)).join(' '));
    };
    if (full > 0) {
      c.forRange('j', 0, full, P);
      block(P);
      c.close();
    }
    if (rest > 0) {
      c.open('').line(`const j = ${full};`);
      block(rest);
      c.close();
    }
    c.close(); // i
    c.close(); // c
    c.close(); // k
  }
  c.close();
  return c.toString();
}

/**
 * Gradient: Δw[k][c][p][q] += Σ_(i,j) δ_r[t][k][i][j] · xp[c][i+p][j+q] for one sample. For each
 * block of δ_r channels, x channel and group of tap rows, the group's gradients stay in
 * locals over the whole map, then are added into dw once.
 */
function emitGradBody(plan: PaddedConvPlan, fn: string): string {
  const { inC, H, W, M, N, Hp, Wp, pixels: P, rest, tapRows } = plan;
  const HW = H * W;
  const c = new CodeWriter();
  c.open(`function ${fn}(dy: F, xp: F, dw: F, o0: number): void`);
  for (const g of plan.groups) {
    const B = g.size;
    c.forRange('k', g.start, g.end, B);
    c.line(`const dk = ${sum(['o0', times('k', HW)])};`);
    c.open(`for (let c = 0; c < ${inC}; c++)`);
    c.line(`const xc = ${times('c', Hp * Wp)};`);
    c.line(`const wk = ${sum([times('k', plan.weight.outStride), times('c', plan.weight.inStride)])};`);
    for (let p0 = 0; p0 < M; p0 += tapRows) {
      const rows = range(p0, Math.min(M, p0 + tapRows));
      const gv = (b: number, p: number, q: number) => `g${b}_${p}_${q}`;
      c.open('');
      c.line(`// tap rows ${rows[0]}..${rows[rows.length - 1]}`);
      c.line(`let ${range(0, B).flatMap((b) => rows.flatMap((p) => range(0, N).map((q) => `${gv(b, p, q)} = 0`))).join(', ')};`);
      c.open(`for (let i = 0; i < ${H}; i++)`);
      c.line(`const xr = xc + ${times('i', Wp)};`);
      c.line(`const dr = dk + ${times('i', W)};`);
      const full = W - rest;
      const block = (n: number) => {
        c.line('const xo = xr + j, dj = dr + j;');
        c.line(`const ${range(0, B).flatMap((b) => range(0, n).map((x) => `d${b}_${x} = dy[${plus('dj', b * HW + x)}]`)).join(', ')};`);
        for (const p of rows) {
          c.line(`const ${range(0, n + N - 1).map((s) => `v${p}_${s} = xp[${plus('xo', p * Wp + s)}]`).join(', ')};`);
          for (let q = 0; q < N; q++)
            c.line(range(0, B).map((b) => `${gv(b, p, q)} += ${range(0, n).map((x) => `d${b}_${x} * v${p}_${q + x}`).join(' + ')};`).join(' '));
        }
      };
      if (full > 0) {
        c.forRange('j', 0, full, P);
        block(P);
        c.close();
      }
      if (rest > 0) {
        c.open('').line(`const j = ${full};`);
        block(rest);
        c.close();
      }
      c.close(); // i
      for (const p of rows)
        for (let q = 0; q < N; q++)
          c.line(range(0, B).map((b) => `dw[${plus('wk', weightOffset(plan, b, p, q))}] += ${gv(b, p, q)};`).join(' '));
      c.close();
    }
    c.close(); // c
    c.close(); // k
  }
  c.close();
  return c.toString();
}
