// Types of layout.mjs, for test/bench-layout.test.ts (the harness itself is plain JavaScript).
import type { CheckedNetwork, ConvLayer, FullLayer } from '../../../src/model/checked.js';

export function nchwToNhwc(x: ArrayLike<number>, t: number, c: number, h: number, w: number): Float32Array;
export function nhwcToNchw(x: ArrayLike<number>, t: number, c: number, h: number, w: number): Float64Array;
export function convWeightsHwio(layer: ConvLayer, w: ArrayLike<number>): Float32Array;
export function convWeightsFromHwio(layer: ConvLayer, y: ArrayLike<number>): Float64Array;
export function fullWeightsNhwcColumns(layer: FullLayer, w: ArrayLike<number>): Float32Array;
export function fullWeightsFromNhwcColumns(layer: FullLayer, y: ArrayLike<number>): Float64Array;
export function unsupportedReason(net: CheckedNetwork): string | null;
export function withBatch(net: CheckedNetwork, batch: number): CheckedNetwork;
