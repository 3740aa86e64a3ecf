// input: shape=CxHxW [batch=INT] — not a layer, but read with the same option machinery.
import type { OptionSchema } from './types.js';

export const inputOptions: Record<string, OptionSchema> = {
  shape: { value: { kind: 'shape3' }, required: true, example: 'shape=1x28x28' },
  batch: { value: { kind: 'count' } },
};
