// bn: [eps=NUM] [momentum=NUM] [mode=position|channel] (docs/language.md, "bn").
import type { OpRule } from './types.js';

export const bn: OpRule = {
  op: 'bn',
  options: {
    eps: { value: { kind: 'positive' } },
    momentum: { value: { kind: 'fraction' } },
    mode: { value: { kind: 'word', words: ['position', 'channel'] } },
  },
  partialOutput: (_v, input) => input,
  spec: (v, name, loc) => ({
    op: 'bn', name, loc,
    eps: v.eps as number | undefined,
    momentum: v.momentum as number | undefined,
    mode: v.mode as 'position' | 'channel' | undefined,
  }),
  lint(spec, c) {
    if (spec.op === 'bn' && (spec.mode ?? 'position') === 'position' && c.batch === 1) {
      // Each position's line holds one value: x̂ = 0, so the output is β everywhere.
      c.r.warning('W001', c.at('mode'),
        `${c.prefix}per-position normalisation with batch=1 sets every value to beta; use mode=channel or a larger batch`);
    }
  },
};
