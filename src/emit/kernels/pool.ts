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

import type { PoolBackwardKernel, PoolPiece, PoolPlan, PoolSweepKernel, Region } from '../../lower/types.js';
import type { PoolLayer } from '../../model/checked.js';
import { CodeWriter, plus, signature, times } from './code-writer.js';
import type { OpEmitter } from './types.js';

export { emitPool } from '../compat.js';

/** forward (no path) or path: the exported kernel calls one helper per piece of the plan. */
export function printPoolSweep(k: PoolSweepKernel): string {
  const plan = k.pool;
  const args = k.params.map((p) => p.name);
  const sig = k.params.map((p) => `${p.name}: ${p.type}`).join(', ');
  const main = new CodeWriter().open(signature(k));
  const helpers = plan.pieces.map((piece, n) => {
    const helper = `${k.helperPrefix}${k.role}${n}`;
    main.line(`${helper}(${args.join(', ')});`);
    return emitPiece(plan, piece, helper, sig, k.withPath);
  });
  main.close();
  return [main.toString(), ...helpers].join('\n\n');
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

export function printPoolBackward(k: PoolBackwardKernel): string {
  const c = new CodeWriter().open(signature(k));
  c.line('dx.fill(0);');
  c.open(`for (let tk = 0; tk < ${k.maps}; tk++)`);
  c.line(`const xc = ${times('tk', k.inMap)};`);
  c.line(`const yc = ${times('tk', k.outMap)};`);
  c.line(`for (let o = yc; o < yc + ${k.outMap}; o++) dx[xc + path[o]] += dy[o];`);
  c.close();
  c.close();
  return c.toString();
}

export const poolEmitter: OpEmitter<PoolLayer, PoolSweepKernel | PoolBackwardKernel> = {
  kinds: ['pool-sweep', 'pool-backward'],
  print: (k) => (k.kind === 'pool-sweep' ? printPoolSweep(k) : printPoolBackward(k)),
  // The model's forward always records the path (inference too: path() answers after any pass).
  forward: (_l, { call }) => `${call('path')};`,
  backward: (_l, { call }) => `${call('backward')};`,
  checks: (layer, { l, nIn, nOut, k, msg }) => [
    `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
    `const y = nan(${nOut}); ${k('forward')}(f(x), y); close(${msg('_forward')}, y, fwd.activations[${l}]);`,
    `const y2 = nan(${nOut}), path = new Int32Array(${nOut}).fill(-1); ${k('path')}(f(x), y2, path);`,
    `close(${msg('_path output')}, y2, fwd.activations[${l}]);`,
    `samePath(${msg('_path')}, path, fwd.paths[${l}]!, f(x), ${layer.input.h * layer.input.w}, ${layer.output.h * layer.output.w});`,
    `const dx = nan(${nIn}); ${k('backward')}(f(dy), fwd.paths[${l}]!, dx); close(${msg('_backward')}, dx, sensIn(${l}));`,
  ],
};
