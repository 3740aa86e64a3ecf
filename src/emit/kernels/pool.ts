// Max-pool kernels (docs/operations.md, Pooling_F / PoolingPath_F / Pooling_BF) emitted from
// the plan of src/lower/pool.ts.
//
//   forward(x, y)             writes y (inference: no path)
//   path(x, y, path)          writes y and the path, the flat in-map index i'·W_l + j'
//   backward(dy, path, dx)    clears dx, then dx[path] += dy
//
// Scan order a outer, b inner; a later value replaces the maximum only when strictly
// greater, so ties keep the first. A NaN makes the output NaN and the path names the first
// NaN: `v !== v && best === best` takes the first NaN and nothing after it.

import type { PoolLayer } from '../../model/checked.js';
import type { PoolPiece, PoolPlan } from '../../lower/pool.js';
import { planPool } from '../../lower/pool.js';
import type { Region } from '../../lower/window.js';
import { CodeWriter, plus, times } from './code-writer.js';
import { layerPrefix } from './conv.js';
import type { EmitContext, KernelEmitter, KernelSource } from './types.js';

export const emitPool: KernelEmitter<PoolLayer> = (layer: PoolLayer, ctx: EmitContext): KernelSource[] => {
  const plan = planPool(layer, ctx.batch);
  const prefix = layerPrefix(layer.name);
  return [
    sweep(plan, prefix, 'forward'),
    sweep(plan, prefix, 'path'),
    backward(plan, prefix),
  ];
};

function sweep(plan: PoolPlan, prefix: string, role: 'forward' | 'path'): KernelSource {
  const name = `${prefix}_${role}`;
  const withPath = role === 'path';
  const args = withPath ? ['x', 'y', 'path'] : ['x', 'y'];
  const sig = withPath ? 'x: F, y: F, path: Int32Array' : 'x: F, y: F';
  const main = new CodeWriter().open(`export function ${name}(${sig}): void`);
  const helpers = plan.pieces.map((piece, n) => {
    const helper = `${prefix}$${role}${n}`;
    main.line(`${helper}(${args.join(', ')});`);
    return emitPiece(plan, piece, helper, sig, withPath);
  });
  main.close();
  return {
    role, name,
    params: args.map((a) => ({ name: a, type: a === 'path' ? 'Int32Array' as const : 'F' as const })),
    code: [main.toString(), ...helpers].join('\n\n'),
    schedule: plan.schedule,
    macs: 0,
  };
}

function emitPiece(plan: PoolPlan, piece: PoolPiece, helper: string, sig: string, withPath: boolean): string {
  const { Wl, Wr } = plan;
  const sh = plan.rows.stride;
  const sw = plan.cols.stride;
  const c = new CodeWriter().open(`function ${helper}(${sig}): void`);
  c.line(`// ${piece.unroll === 'window' ? 'pools unrolled' : 'pool tap loops rolled'}, ${piece.terms} statements`);
  c.open(`for (let tk = 0; tk < ${plan.batch * plan.C}; tk++)`);
  c.line(`const xc = ${times('tk', plan.Hl * Wl)};`);
  c.line(`const yc = ${times('tk', plan.Hr * Wr)};`);
  for (const r of piece.regions) {
    c.line(regionComment(r));
    c.forRange('i', r.rows.start, r.rows.end);
    c.line(`const mr = ${times('i', sh * Wl)};`); // in-map index of the pool row's base
    c.line(`const yr = yc + ${times('i', Wr)};`);
    c.forRange('j', r.cols.start, r.cols.end);
    c.line(`const mo = mr + ${times('j', sw)};`);
    c.line('const xo = xc + mo;');
    if (piece.unroll === 'window') unrolledPool(c, r, Wl, withPath);
    else rolledPool(c, r, Wl, withPath);
    c.line('y[yr + j] = best;');
    if (withPath) c.line('path[yr + j] = mo + at;');
    c.close();
    c.close();
  }
  c.close();
  c.close();
  return c.toString();
}

function unrolledPool(c: CodeWriter, r: Region, Wl: number, withPath: boolean): void {
  let first = true;
  for (let a = r.rows.lo; a < r.rows.hi; a++)
    for (let b = r.cols.lo; b < r.cols.hi; b++) {
      const off = a * Wl + b;
      if (first) {
        c.line(`let best = x[${plus('xo', off)}];`);
        if (withPath) c.line(`let at = ${off};`);
        first = false;
        continue;
      }
      const v = `v${a}_${b}`;
      c.line(`const ${v} = x[${plus('xo', off)}];`);
      if (withPath) c.line(`if (${v} > best || (${v} !== ${v} && best === best)) { best = ${v}; at = ${off}; }`);
      else c.line(`if (${v} > best || ${v} !== ${v}) best = ${v};`);
    }
}

function rolledPool(c: CodeWriter, r: Region, Wl: number, withPath: boolean): void {
  const off0 = r.rows.lo * Wl + r.cols.lo;
  c.line(`let best = x[${plus('xo', off0)}];`);
  if (withPath) c.line(`let at = ${off0};`);
  c.open(`for (let a = ${r.rows.lo}; a < ${r.rows.hi}; a++)`);
  c.open(`for (let b = ${r.cols.lo}; b < ${r.cols.hi}; b++)`);
  c.line(`const off = ${times('a', Wl)} + b;`);
  c.line('const v = x[xo + off];');
  if (withPath) c.line('if (v > best || (v !== v && best === best)) { best = v; at = off; }');
  else c.line('if (v > best || v !== v) best = v;');
  c.close();
  c.close();
}

function regionComment(r: Region): string {
  return `// pools rows ${r.rows.start}..${r.rows.end - 1} taps ${r.rows.lo}..${r.rows.hi - 1}, ` +
    `cols ${r.cols.start}..${r.cols.end - 1} taps ${r.cols.lo}..${r.cols.hi - 1}`;
}

function backward(plan: PoolPlan, prefix: string): KernelSource {
  const name = `${prefix}_backward`;
  const nl = plan.Hl * plan.Wl;
  const nr = plan.Hr * plan.Wr;
  const c = new CodeWriter().open(`export function ${name}(dy: F, path: Int32Array, dx: F): void`);
  c.line('dx.fill(0);');
  c.open(`for (let tk = 0; tk < ${plan.batch * plan.C}; tk++)`);
  c.line(`const xc = ${times('tk', nl)};`);
  c.line(`const yc = ${times('tk', nr)};`);
  c.line(`for (let o = yc; o < yc + ${nr}; o++) dx[xc + path[o]] += dy[o];`);
  c.close();
  c.close();
  return {
    role: 'backward', name,
    params: [{ name: 'dy', type: 'F' }, { name: 'path', type: 'Int32Array' }, { name: 'dx', type: 'F' }],
    code: c.toString(),
    schedule: `${plan.batch * plan.C} maps of ${nr} outputs, each routed to its path (overlapping pools accumulate)`,
    macs: 0,
  };
}
