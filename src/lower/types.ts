// Every type of the plan an emitter needs, in one place: emitters import from here (type
// imports only) and never call into src/lower/.
export type * from './plan.js';
export type { ConvPass, ConvPassGeometry, ConvPassPlan, ConvPiece, ConvScheduleOptions, WeightLayout } from './conv.js';
export type { PaddedConvPlan, PaddedScheduleOptions } from './conv-padded.js';
export type { PoolPiece, PoolPlan } from './pool.js';
export type { Band, Region, TapRange, WindowAxis } from './window.js';
export type { CorrBlocking, GradBlocking } from './wasm-conv.js';
export type { FullBlocking } from './wasm-full.js';
