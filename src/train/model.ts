// The part of a generated module (src/engines/generated-module.ts) that training and
// evaluation use. Typed structurally, so any module the generator emits fits, whatever its
// dtype, and tests can pass a small hand-written stand-in.
import type { GeneratedModel, GeneratedModelMeta, GeneratedModelOptions } from '../engines/generated-module.js';

export type { Block } from '../engines/generated-module.js';

/** `layers` (names and parameter keys) lets training check every tensor after each step. */
export type ModuleMeta = Pick<GeneratedModelMeta, 'name' | 'batch' | 'input' | 'output' | 'dtype' | 'endsWithSoftmax' | 'layers'>;

/** `param` and `activation` let training check for divergence and restore the last good weights. */
export type TrainableModel = Pick<
  GeneratedModel,
  'forward' | 'backward' | 'step' | 'toJSON' | 'loadJSON' | 'toBinary' | 'loadBinary' | 'param' | 'activation'
>;

/** What training needs of a module: its meta and its Model class. */
export interface TrainableModule {
  meta: ModuleMeta;
  Model: new (options?: GeneratedModelOptions) => TrainableModel;
}
