// Short descriptions of layers and shapes shared by the summary table and the graphs.
import type { Layer, Shape3 } from '../model/checked.js';
import { lowering } from '../lower/ops.js';

export const shapeText = (s: Shape3): string => `${s.c}x${s.h}x${s.w}`;

/** Learnable numbers of a layer: conv/full weights and bias, bn γ and β (docs/formats.md). */
export const learnableParams = (l: Layer): number => l.params.filter((p) => p.learnable).reduce((a, p) => a + p.size, 0);

/** The layer's resolved options, defaults that say nothing left out: `out=6 kernel=5x5 anchor=(2,2)`. */
export const layerAttributes = (l: Layer): string => lowering(l).describe(l);
