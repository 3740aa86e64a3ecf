// conv: out=INT kernel=MxN [anchor=(m,n)] [bias=true|false] (docs/language.md, "conv").
import type { LayerSpec } from '../../model/build.js';
import type { OpRule } from './types.js';
import { dims } from './types.js';

/**
 * Rows (or columns) that output positions 0..size-1 read with window length `len` and
 * anchor `a` are `-a .. size-1-a+len-1`; the window is off the map for every output when
 * that range misses 0..size-1 entirely.
 */
export function windowMissesMap(size: number, len: number, a: number): boolean {
  return -a > size - 1 || size - 1 - a + len - 1 < 0;
}

export const conv: OpRule = {
  op: 'conv',
  options: {
    out: { value: { kind: 'count' }, required: true, example: 'out=16' },
    kernel: { value: { kind: 'size2' }, required: true, example: 'kernel=3x3' },
    anchor: { value: { kind: 'pair' } },
    bias: { value: { kind: 'word', words: ['true', 'false'] } },
  },
  partialOutput: (v, input) => (v.out === undefined ? undefined : { c: v.out as number, h: input.h, w: input.w }),
  spec: (v, name, loc) => ({
    op: 'conv', name, loc,
    out: v.out as number,
    kernel: v.kernel as [number, number],
    anchor: v.anchor as [number, number] | undefined,
    bias: v.bias === undefined ? undefined : v.bias === 'true',
  }),
  checkShape(spec: LayerSpec, c) {
    if (spec.op !== 'conv' || !spec.anchor) return true; // the default anchor lies in the window
    const [M, N] = spec.kernel;
    const [m, n] = spec.anchor;
    if (windowMissesMap(c.input.h, M, m) || windowMissesMap(c.input.w, N, n)) {
      c.r.error('E031', c.at('anchor'),
        `${c.prefix}with anchor (${m},${n}) the ${dims(M, N)} window lies outside the ${dims(c.input.h, c.input.w)} map `
        + `it receives from ${c.from} for every output, so the output would be all zeros`);
      return false;
    }
    return true;
  },
};
