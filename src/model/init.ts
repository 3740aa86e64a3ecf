// Seeded initialisation, specified exactly so that a generated module reproduces it bit
// for bit from the same seed (its emitted copy is tested against this one).
//
// PRNG: mulberry32 over a 32-bit state that starts at `seed >>> 0`; each draw is
//   state = (state + 0x6D2B79F5) | 0
//   t = imul(state ^ (state >>> 15), 1 | state)
//   t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t
//   u = ((t ^ (t >>> 14)) >>> 0) / 2^32            (uniform in [0, 1))
// Order: one stream for the whole network, layers in order, each layer's tensors in
// ParamSpec order, each tensor in flat storage order; only `he` tensors draw numbers.
// He initialisation is the uniform form: w = (2u - 1) · sqrt(6 / fanIn), which has the
// variance 2/fanIn of He's normal form but needs only IEEE-exact operations (a normal
// draw needs log and cos, whose last bits differ between JavaScript engines).
// `zeros` and `ones` fill constants (bias, β, running mean: 0; γ, running variance: 1).
// A float32 module stores Math.fround of these float64 values.

import type { CheckedNetwork } from './checked.js';
import type { Weights } from './weights.js';
import { emptyWeights, nameRecord, put } from './weights.js';

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function initWeights(net: CheckedNetwork, seed: number): Weights {
  const next = mulberry32(seed);
  const weights = emptyWeights();
  for (const layer of net.layers) {
    if (layer.params.length === 0) continue;
    const tensors = nameRecord<Float64Array>();
    for (const p of layer.params) {
      const a = new Float64Array(p.size);
      if (p.init === 'ones') a.fill(1);
      else if (p.init === 'he') {
        const limit = Math.sqrt(6 / p.fanIn);
        for (let i = 0; i < a.length; i++) a[i] = (2 * next() - 1) * limit;
      }
      tensors[p.key] = a;
    }
    put(weights, layer.name, tensors);
  }
  return weights;
}
