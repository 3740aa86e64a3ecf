// exportOnnx: what `cnnc export` writes, for the library. The weights are checked against the
// network first (the one check every weights format shares, src/weights/values.ts), so a
// missing tensor or a wrong length is a UserError naming the layer and key, never a crash
// halfway through the writer.
import type { CheckedNetwork } from '../model/checked.js';
import type { Weights } from '../model/weights.js';
import { validateWeights } from '../weights/values.js';
import { onnxModel } from './model.js';

/**
 * The ONNX model (opset 13, float32, batch dimension symbolic) of `net` in inference mode
 * with `weights`: input "input" [N,C,H,W], output "output" ([N,C] for a C×1×1 output, else
 * [N,C,H,W]). `source` names the weights in error messages.
 */
export function exportOnnx(net: CheckedNetwork, weights: Weights, source = 'weights'): Uint8Array {
  validateWeights(net, weights, source);
  return onnxModel(net, weights);
}
