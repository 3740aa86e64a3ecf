// Weights and data files: the weights JSON of interfaces.md, the binary form of
// docs/architecture.md, and the input / labels / output-sensitivity files of `cnnc run`.
import type { CheckedNetwork } from '../model/checked.js';
import type { Weights } from '../model/weights.js';
import { readWeightsBinary, writeWeightsBinary } from './binary.js';
import { readWeightsJson, writeWeightsJson } from './json.js';

export { weightsFromJson, weightsToJson, readWeightsJson, writeWeightsJson } from './json.js';
export { encodeWeightsBinary, decodeWeightsBinary, readWeightsBinary, writeWeightsBinary, MAGIC, VERSION } from './binary.js';
export { inputFromJson, labelsFromJson, outSensFromJson, numbersFromJson, readInput, readLabels, readOutSens, LABEL_SUM_TOLERANCE } from './data.js';
export { readJsonFile } from './read-json.js';

const isBinary = (path: string) => path.toLowerCase().endsWith('.bin');

/** Reads weights in either form: `.bin` is the binary form, anything else JSON. */
export function readWeightsFile(path: string, net: CheckedNetwork): Weights {
  return isBinary(path) ? readWeightsBinary(path, net) : readWeightsJson(path, net);
}

/** Writes weights in the form the extension names (`.bin` binary, otherwise JSON), atomically. */
export function writeWeightsFile(path: string, net: CheckedNetwork, weights: Weights): void {
  if (isBinary(path)) writeWeightsBinary(path, net, weights);
  else writeWeightsJson(path, net, weights);
}
