// softmax: no options; its input must be C×1×1 (docs/language.md, "softmax").
import type { OpRule } from './types.js';
import { dims } from './types.js';

export const softmax: OpRule = {
  op: 'softmax',
  options: {},
  partialOutput: (_v, input) => input,
  spec: (_v, name, loc) => ({ op: 'softmax', name, loc }),
  checkShape(_spec, c) {
    const { c: ch, h, w } = c.input;
    if (h !== 1 || w !== 1) {
      c.r.error('E032', c.statement.op.loc,
        `${c.prefix}its input from ${c.from} is ${dims(ch, h, w)}, not Cx1x1; put a 'full out=N' layer before it`);
      return false;
    }
    return true;
  },
};
