// Kernel printing: the op table is src/emit/ops.ts; emitLayerKernels (plan and print one
// layer) is kept here for src/bench/cases.ts.
export { emitLayerKernels } from '../compat.js';
export { opEmitters, printKernel } from '../ops.js';
