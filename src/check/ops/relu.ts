// relu: no options.
import type { OpRule } from './types.js';

export const relu: OpRule = {
  op: 'relu',
  options: {},
  partialOutput: (_v, input) => input,
  spec: (_v, name, loc) => ({ op: 'relu', name, loc }),
};
