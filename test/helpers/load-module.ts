// Evaluates an emitted ES module in-process without touching the file system (cnnc's one
// loader of generated modules, src/engines/generated-module.ts); it also checks that the
// module imports nothing.
export type { GeneratedModel, GeneratedModule } from '../../src/engines/generated-module.js';
export { evaluateGeneratedSource as loadModule } from '../../src/engines/generated-module.js';
