// Weights and data files (docs/formats.md): the weights JSON, the binary form
// of the weights, and the input / labels / output-sensitivity files of `cnnc run`.
import type { CheckedNetwork } from '../model/checked.js';
import type { Weights } from '../model/weights.js';
import { readWeightsBinary, writeWeightsBinary } from './binary.js';
import { readWeightsJson, writeWeightsJson } from './json.js';

export { weightsFromJson, weightsToJson, readWeightsJson, writeWeightsJson } from './json.js';
export { encodeWeightsBinary, decodeWeightsBinary, readWeightsBinary, writeWeightsBinary, MAGIC, VERSION } from './binary.js';
export { inputFromJson, labelsFromJson, outSensFromJson, numbersFromJson, readInput, readLabels, readOutSens, LABEL_SUM_TOLERANCE } from './data.js';
export { readJsonFile } from './read-json.js';
export { FLOAT32_MAX, isStorable, badNumber, firstBadNumber, tensorProblem, weightProblems, validateWeights, refuseToWrite } from './values.js';

// Same rule as `cnnc train`/`eval` (src/train/weights-file.ts): `.json` is JSON, anything else binary.
const isBinary = (path: string) => !/\.json$/i.test(path);

/** Reads weights in either form: `.json` is JSON, anything else (`.bin`) the binary form. */
export function readWeightsFile(path: string, net: CheckedNetwork): Weights {
  return isBinary(path) ? readWeightsBinary(path, net) : readWeightsJson(path, net);
}

/** Writes weights in the form the extension names (`.json` JSON, otherwise binary), atomically. */
export function writeWeightsFile(path: string, net: CheckedNetwork, weights: Weights): void {
  if (isBinary(path)) writeWeightsBinary(path, net, weights);
  else writeWeightsJson(path, net, weights);
}
