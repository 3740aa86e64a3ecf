// pool: size=PhxPw [stride=ShxSw] [round=floor|ceil] (docs/language.md, "pool").
import { pooledSize } from '../../model/build.js';
import type { OpRule } from './types.js';
import { dims } from './types.js';

export const pool: OpRule = {
  op: 'pool',
  options: {
    size: { value: { kind: 'size2' }, required: true, example: 'size=2x2' },
    stride: { value: { kind: 'size2' } },
    round: { value: { kind: 'word', words: ['floor', 'ceil'] } },
  },
  partialOutput(v, input) {
    if (v.size === undefined) return undefined;
    const [ph, pw] = v.size as [number, number];
    const [sh, sw] = (v.stride as [number, number] | undefined) ?? [ph, pw];
    const round = (v.round as 'floor' | 'ceil' | undefined) ?? 'floor';
    const h = pooledSize(input.h, ph, sh, round);
    const w = pooledSize(input.w, pw, sw, round);
    return h === null || w === null ? undefined : { c: input.c, h, w };
  },
  spec: (v, name, loc) => ({
    op: 'pool', name, loc,
    size: v.size as [number, number],
    stride: v.stride as [number, number] | undefined,
    round: v.round as 'floor' | 'ceil' | undefined,
  }),
  checkShape(spec, c) {
    if (spec.op !== 'pool') return true;
    const [ph, pw] = spec.size;
    const [sh, sw] = spec.stride ?? spec.size;
    const round = spec.round ?? 'floor';
    // Ceil mode clips a too-large pool to the map instead (pooledSize gives 1).
    if (pooledSize(c.input.h, ph, sh, round) === null || pooledSize(c.input.w, pw, sw, round) === null) {
      c.r.error('E030', c.at('size'),
        `${c.prefix}a ${dims(ph, pw)} pool does not fit the ${dims(c.input.h, c.input.w)} map it receives from ${c.from}`);
      return false;
    }
    return true;
  },
};
