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
    const p = c.producer?.spec;
    if (spec.op === 'bn' && (p?.op === 'conv' || p?.op === 'full') && p.bias) {
      // A bias is one constant per channel (conv) or output (full), so it is the same on every
      // value of each of bn's lines (either mode), and the line's mean takes it away exactly:
      // it changes nothing forward and its gradient is 0. Max pools between change nothing
      // of that (the max of x + b is b plus the max of x).
      const pools = c.producer!.pools;
      const where = pools.length ? `after ${pools.length > 1 ? 'pools' : 'pool'} ${pools.join(', ')}` : 'right after';
      c.r.warning('W002', c.producer!.at('bias'),
        `${p.op} ${p.name}: bias=true has no effect: bn ${spec.name} ${where} subtracts the batch mean, bias included (bn's beta is the offset); remove bias=true`);
    }
  },
};
