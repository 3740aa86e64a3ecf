// Builds a checked network from a plain description whose values are already valid.
// The shape checker calls this after it has reported every diagnostic; tests and the
// random-network property tests call it directly. The shape rules of docs/operations.md live
// here once: output sizes, default anchors, parameter layouts and multiply-add counts.

import type {
  CheckedNetwork, Layer, ParamSpec, Shape3, SourceLoc,
} from './checked.js';
import { size3 } from './checked.js';

export type LayerSpec =
  | { op: 'conv'; name?: string; out: number; kernel: [number, number]; anchor?: [number, number]; bias?: boolean; loc?: SourceLoc }
  | { op: 'bn'; name?: string; eps?: number; momentum?: number; mode?: 'position' | 'channel'; loc?: SourceLoc }
  | { op: 'relu'; name?: string; loc?: SourceLoc }
  | { op: 'pool'; name?: string; size: [number, number]; stride?: [number, number]; round?: 'floor' | 'ceil'; loc?: SourceLoc }
  | { op: 'full'; name?: string; out: number; bias?: boolean; loc?: SourceLoc }
  | { op: 'softmax'; name?: string; loc?: SourceLoc };

export interface NetworkSpec {
  name: string;
  batch?: number;
  input: [number, number, number];
  layers: LayerSpec[];
  loc?: SourceLoc;
}

export const NO_LOC: SourceLoc = { line: 1, column: 1, offset: 0, length: 0 };

/** Default anchor of an M×N kernel: (⌊(M-1)/2⌋, ⌊(N-1)/2⌋). */
export function defaultAnchor(rows: number, cols: number): [number, number] {
  return [Math.floor((rows - 1) / 2), Math.floor((cols - 1) / 2)];
}

/**
 * Pooled size along one axis (docs/operations.md, "Pool"), or null when a floor-mode
 * pool does not fit. Ceil mode clips the last pools; a pool must start inside the map.
 */
export function pooledSize(inSize: number, pool: number, stride: number, round: 'floor' | 'ceil'): number | null {
  if (round === 'floor') {
    if (inSize < pool) return null;
    return Math.floor((inSize - pool) / stride) + 1;
  }
  if (inSize < pool) return 1;
  let out = Math.ceil((inSize - pool) / stride) + 1;
  if ((out - 1) * stride >= inSize) out -= 1;
  return out;
}

function tensor(key: ParamSpec['key'], shape: number[], learnable: boolean, init: ParamSpec['init'], fanIn = 0): ParamSpec {
  return { key, shape, size: shape.reduce((a, b) => a * b, 1), learnable, init, fanIn };
}

/** Resolves one layer against the block it receives. Throws on values the checker must refuse. */
export function buildLayer(spec: LayerSpec, input: Shape3, index: number, name: string): Layer {
  const loc = spec.loc ?? NO_LOC;
  const common = { name, index, input, loc };
  switch (spec.op) {
    case 'conv': {
      const [M, N] = spec.kernel;
      const [m, n] = spec.anchor ?? defaultAnchor(M, N);
      const fanIn = input.c * M * N;
      const params = [tensor('w', [spec.out, input.c, M, N], true, 'he', fanIn)];
      if (spec.bias) params.push(tensor('b', [spec.out], true, 'zeros'));
      return {
        ...common, op: 'conv', kernel: { rows: M, cols: N }, anchor: { row: m, col: n },
        // Only a biased conv carries the field (see ConvLayer.bias).
        ...(spec.bias ? { bias: true } : {}),
        output: { c: spec.out, h: input.h, w: input.w },
        params,
        macs: spec.out * input.c * input.h * input.w * M * N,
      };
    }
    case 'bn': {
      const mode = spec.mode ?? 'position';
      const shape = mode === 'position' ? [input.c, input.h, input.w] : [input.c];
      return {
        ...common, op: 'bn', eps: spec.eps ?? 1e-5, momentum: spec.momentum ?? 0.1, mode,
        output: { ...input },
        params: [
          tensor('gamma', shape, true, 'ones'),
          tensor('beta', shape, true, 'zeros'),
          tensor('runningMean', shape, false, 'zeros'),
          tensor('runningVar', shape, false, 'ones'),
        ],
        macs: 0,
      };
    }
    case 'relu':
      return { ...common, op: 'relu', output: { ...input }, params: [], macs: 0 };
    case 'pool': {
      const [ph, pw] = spec.size;
      const [sh, sw] = spec.stride ?? spec.size;
      const round = spec.round ?? 'floor';
      const h = pooledSize(input.h, ph, sh, round);
      const w = pooledSize(input.w, pw, sw, round);
      if (h === null || w === null) throw new Error(`pool ${name}: ${ph}x${pw} pool does not fit ${input.h}x${input.w}`);
      return {
        ...common, op: 'pool', size: { rows: ph, cols: pw }, stride: { rows: sh, cols: sw }, round,
        output: { c: input.c, h, w }, params: [], macs: 0,
      };
    }
    case 'full': {
      const K = size3(input);
      const bias = spec.bias ?? false;
      const params = [tensor('w', [spec.out, K], true, 'he', K)];
      if (bias) params.push(tensor('b', [spec.out], true, 'zeros'));
      return {
        ...common, op: 'full', bias, output: { c: spec.out, h: 1, w: 1 }, params, macs: spec.out * K,
      };
    }
    case 'softmax':
      if (input.h !== 1 || input.w !== 1) throw new Error(`softmax ${name}: input ${input.c}x${input.h}x${input.w} is not Cx1x1`);
      return { ...common, op: 'softmax', output: { ...input }, params: [], macs: 0 };
  }
}

/** Names unnamed layers `<op><n>` (n counts that op from 1) and resolves every shape. */
export function buildNetwork(spec: NetworkSpec): CheckedNetwork {
  const counts = new Map<string, number>();
  const input: Shape3 = { c: spec.input[0], h: spec.input[1], w: spec.input[2] };
  const layers: Layer[] = [];
  let current = input;
  spec.layers.forEach((ls, index) => {
    const n = (counts.get(ls.op) ?? 0) + 1;
    counts.set(ls.op, n);
    const layer = buildLayer(ls, current, index, ls.name ?? `${ls.op}${n}`);
    layers.push(layer);
    current = layer.output;
  });
  const learnable = (l: Layer) => l.params.filter((p) => p.learnable).reduce((a, p) => a + p.size, 0);
  return {
    name: spec.name,
    batch: spec.batch ?? 1,
    input,
    layers,
    output: current,
    endsWithSoftmax: layers.length > 0 && layers[layers.length - 1].op === 'softmax',
    totals: {
      params: layers.reduce((a, l) => a + learnable(l), 0),
      macs: layers.reduce((a, l) => a + l.macs, 0),
    },
    loc: spec.loc ?? NO_LOC,
  };
}
