// Short descriptions of layers and shapes shared by the summary table and the graphs.
import type { Layer, Shape3 } from '../model/checked.js';

export const shapeText = (s: Shape3): string => `${s.c}x${s.h}x${s.w}`;

/** Learnable numbers of a layer: conv/full weights and bias, bn γ and β (docs/formats.md). */
export const learnableParams = (l: Layer): number => l.params.filter((p) => p.learnable).reduce((a, p) => a + p.size, 0);

/** The layer's resolved options, defaults included: `out=6 kernel=5x5 anchor=(2,2)`. */
export function layerAttributes(l: Layer): string {
  switch (l.op) {
    case 'conv': return `out=${l.output.c} kernel=${l.kernel.rows}x${l.kernel.cols} anchor=(${l.anchor.row},${l.anchor.col})`;
    case 'bn': return `mode=${l.mode} eps=${l.eps} momentum=${l.momentum}`;
    case 'pool': return `size=${l.size.rows}x${l.size.cols} stride=${l.stride.rows}x${l.stride.cols} round=${l.round}`;
    case 'full': return `out=${l.output.c}${l.bias ? ' bias=true' : ''}`;
    case 'relu': case 'softmax': return '';
  }
}
