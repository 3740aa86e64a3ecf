// Max pooling — Pooling_F, PoolingPath_F, Pooling_BF of docs/operations.md. Output (i, j) has
// its pool's top-left input at (i·s_h, j·s_w); (a, b) walks the p_h × p_w pool, a outer,
// b inner, skipping positions off the map (ceil-mode pools are clipped).

import type { PoolLayer } from '../../model/checked.js';
import { at, expectLength, inside } from './tensor.js';

function sizes(layer: PoolLayer) {
  return {
    C: layer.input.c, Hl: layer.input.h, Wl: layer.input.w, Hr: layer.output.h, Wr: layer.output.w,
    ph: layer.size.rows, pw: layer.size.cols, sh: layer.stride.rows, sw: layer.stride.cols,
  };
}

/**
 * The maximum of each pool and where it came from, as the flat in-map index i'·W_l + j'.
 * Ties go to the first maximum in scan order; a NaN makes the output NaN and the path
 * names the first NaN of the pool.
 */
export function poolForward(layer: PoolLayer, T: number, x: Float64Array): { y: Float64Array; path: Int32Array } {
  const { C, Hl, Wl, Hr, Wr, ph, pw, sh, sw } = sizes(layer);
  expectLength(`pool ${layer.name} forward x`, x, T * C * Hl * Wl);
  const y = new Float64Array(T * C * Hr * Wr);
  const path = new Int32Array(T * C * Hr * Wr);
  for (let t = 0; t < T; t++)
    for (let k = 0; k < C; k++)
      for (let i = 0; i < Hr; i++)
        for (let j = 0; j < Wr; j++) {
          let best = -Infinity;
          let where = -1;
          scan: for (let a = 0; a < ph; a++)
            for (let b = 0; b < pw; b++) {
              const ip = i * sh + a;
              const jp = j * sw + b;
              if (!inside(Hl, Wl, ip, jp)) continue;
              const v = x[at(C, Hl, Wl, t, k, ip, jp)];
              if (Number.isNaN(v)) {
                best = NaN;
                where = ip * Wl + jp;
                break scan;
              }
              // Strictly greater: a later equal value never replaces the first maximum.
              // `where < 0` takes the first in-map value even when it is -Infinity.
              if (where < 0 || v > best) {
                best = v;
                where = ip * Wl + jp;
              }
            }
          y[at(C, Hr, Wr, t, k, i, j)] = best;
          path[at(C, Hr, Wr, t, k, i, j)] = where;
        }
  return { y, path };
}

/** Clear δ_l, then δ_l[t][k][P[t][k][i][j]] += δ_r[t][k][i][j] (overlapping pools accumulate). */
export function poolBackward(layer: PoolLayer, T: number, dy: Float64Array, path: Int32Array): Float64Array {
  const { C, Hl, Wl, Hr, Wr } = sizes(layer);
  expectLength(`pool ${layer.name} backward dy`, dy, T * C * Hr * Wr);
  expectLength(`pool ${layer.name} backward path`, path, T * C * Hr * Wr);
  const dx = new Float64Array(T * C * Hl * Wl);
  for (let t = 0; t < T; t++)
    for (let k = 0; k < C; k++)
      for (let i = 0; i < Hr; i++)
        for (let j = 0; j < Wr; j++) {
          const e = at(C, Hr, Wr, t, k, i, j);
          dx[(t * C + k) * Hl * Wl + path[e]] += dy[e];
        }
  return dx;
}
