// The part of a generated module (src/engines/generated-module.ts) that training and
// evaluation use. Typed structurally, so any module the generator emits fits, whatever its
// dtype, and tests can pass a small hand-written stand-in.
import type { GeneratedModel, GeneratedModelMeta, GeneratedModelOptions } from '../engines/generated-module.js';

export type { Block } from '../engines/generated-module.js';

/** `layers` (names and parameter keys) lets training check every tensor after each step. */
export type ModuleMeta = Pick<GeneratedModelMeta, 'name' | 'batch' | 'input' | 'output' | 'dtype' | 'endsWithSoftmax' | 'layers'>;

type MaybePromise<T> = T | Promise<T>;

/**
 * What training and evaluation call. A generated Model fits; so does the data-parallel
 * ParallelModel (src/train/parallel.ts), whose passes return promises.
 * `param` and `activation` let training check for divergence and restore the last good weights.
 */
export interface TrainableModel extends Pick<GeneratedModel, 'toJSON' | 'loadJSON' | 'toBinary' | 'loadBinary' | 'param'> {
  forward(input: ArrayLike<number>, options?: { training?: boolean }): MaybePromise<ArrayLike<number>>;
  backward(labels: ArrayLike<number>): MaybePromise<number>;
  step(options: { lr: number; momentum?: number }): MaybePromise<void>;
  activation(layer: string): MaybePromise<ArrayLike<number>>;
  /**
   * Optional: forward (training mode), backward and, only when the loss is finite, step, in
   * one call. `storable`, when given, says whether every parameter and state number after the
   * step is storable (the model checked them itself); without it the loop checks them.
   */
  trainStep?(input: ArrayLike<number>, labels: ArrayLike<number>, options: { lr: number; momentum?: number }): Promise<{ y: ArrayLike<number>; loss: number; storable?: boolean }>;
}

/** What training needs of a module: its meta and its Model class. */
export interface TrainableModule {
  meta: ModuleMeta;
  Model: new (options?: GeneratedModelOptions) => TrainableModel;
}
