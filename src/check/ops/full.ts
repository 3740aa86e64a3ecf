// full: out=INT [bias=true|false] (docs/language.md, "full").
import type { OpRule } from './types.js';

export const full: OpRule = {
  op: 'full',
  options: {
    out: { value: { kind: 'count' }, required: true, example: 'out=10' },
    bias: { value: { kind: 'word', words: ['true', 'false'] } },
  },
  partialOutput: (v) => (v.out === undefined ? undefined : { c: v.out as number, h: 1, w: 1 }),
  spec: (v, name, loc) => ({
    op: 'full', name, loc,
    out: v.out as number,
    bias: v.bias === undefined ? undefined : v.bias === 'true',
  }),
};
