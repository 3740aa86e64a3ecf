// The reference interpreter: plain float64 loops that read like docs/operations.md, the oracle
// every generated kernel is judged against. All arrays are Float64Array over the whole
// mini-batch T, NCHW with t outermost.

export { convForward, convBackward, convGrad, convBiasGrad, backwardKernel } from './ops/conv.js';
export { bnForward, bnBackward, bnLines, type BnParams, type BnCache } from './ops/bn.js';
export { reluForward, reluBackward } from './ops/relu.js';
export { poolForward, poolBackward } from './ops/pool.js';
export { fullForward, fullBackward, fullGrad } from './ops/full.js';
export { softmaxForward, softmaxCrossEntropy, softmaxBackward, logSoftmax } from './ops/softmax.js';
export {
  forwardNetwork, backwardNetwork, sgdStep, zeroGrads, zeroLike,
  type ForwardResult, type BackwardResult, type BackwardTarget,
} from './network.js';
export {
  entropy, klDivergence, klDivergenceLog, crossEntropy, crossEntropyLog,
  jointEntropy, conditionalEntropy, mutualInformation,
} from './entropy.js';
export { initWeights } from '../model/init.js';
