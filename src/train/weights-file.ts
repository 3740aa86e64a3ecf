// Weights files of `cnnc train` / `cnnc eval`, by extension: `.json` is the weights JSON of
// docs/formats.md, anything else the binary form of the same page. Both are read and
// written through src/weights/, so they pass the one check every weights format shares
// (src/weights/values.ts: names, lengths, numbers finite within float32, no negative bn
// running variance) before the generated module sees them, and nothing non-finite is ever
// written.
import type { CheckedNetwork } from '../model/checked.js';
import { encodeWeightsBinary, readWeightsFile, weightsFromJson, weightsToJson } from '../weights/index.js';
import type { TrainableModel } from './model.js';

const isJson = (path: string): boolean => /\.json$/i.test(path);

/** The file contents of the model's weights; a UserError (nothing written) when any is not storable. */
export function weightsBytes(model: TrainableModel, path: string, net: CheckedNetwork): string | Uint8Array {
  const weights = weightsFromJson(net, model.toJSON(), 'weights not written');
  return isJson(path) ? `${JSON.stringify(weightsToJson(net, weights))}\n` : encodeWeightsBinary(net, weights);
}

/** Reads a weights file of either form, checks it against `net`, and loads it into the model. */
export function loadWeightsFile(model: TrainableModel, path: string, net: CheckedNetwork): void {
  // loadJSON takes typed arrays as well as plain ones.
  model.loadJSON(readWeightsFile(path, net));
}
