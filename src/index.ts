// The library: `import { loadModel, compile, … } from 'cnnc'`. What the command line does,
// as functions that return values and throw errors instead of printing and exiting:
//
//   loadModel(path, { limits })    .cnn file → checked model (UserError listing every error)
//   checkModelFile / checkSource   → { model?, diagnostics, formatted } without throwing on errors
//   compile(model, { dtype })      → per network: <net>.ts, .js, .d.ts, .test.ts as strings
//   compileAndImport(net)          → the generated module, imported (Model, createModel, kernels)
//   summary(model), renderSvg, renderDot
//   exportOnnx(net, weights)       → ONNX model bytes (what `cnnc export` writes)
//   importOnnx(bytes, { batch })   ONNX model bytes → { source, network, weights } (`cnnc import`)
//   weights files (JSON, binary), the reference interpreter (also 'cnnc/interpreter'), training
//
// Errors: UserError (the model or a data file is wrong; `exitCode` 1) and UsageError (a
// wrong option; 2). Any other error is a bug in cnnc.
import type { CheckedModel } from './model/checked.js';
import { compileModel } from './emit/index.js';
import { summaryJson, type SummaryJson } from './graph/summary.js';

// ---- errors ----
export { UserError, UsageError } from './errors.js';

// ---- front end ----
export {
  loadModel, checkModelFile, checkSource, readSource, DEFAULT_LIMITS,
  type LoadOptions, type CheckResult, type Limits, type Diagnostic, type WarningHandler,
} from './frontend/index.js';
export { formatDiagnostics, countLine } from './diagnostics/format.js';
export type { Severity } from './diagnostics/diagnostic.js';
export type { Code as DiagnosticCode } from './diagnostics/codes.js';
/** The canonical layout of `cnnc fmt`: `{ ok: true, text, changed }`, or the syntax errors that prevent it. */
export { formatSource, type FormatResult } from './format/index.js';

// ---- the checked model ----
export type {
  CheckedModel, CheckedNetwork, Layer, ConvLayer, BnLayer, ReluLayer, PoolLayer, FullLayer, SoftmaxLayer,
  Shape3, Op, ParamKey, ParamSpec, SourceLoc,
} from './model/checked.js';
export { size3 } from './model/checked.js';
export { buildNetwork, type NetworkSpec, type LayerSpec } from './model/build.js';
export { initWeights, mulberry32 } from './model/init.js';
export type { Weights } from './model/weights.js';

// ---- compiling ----
export { compileModel, compileNetwork, type CompileOptions, type CompiledNetwork, type KernelInfo } from './emit/index.js';

/** Compiles every network of a checked model (what `cnnc build` writes, as strings). */
export function compile(model: CheckedModel, options?: Parameters<typeof compileModel>[1]): ReturnType<typeof compileModel> {
  return compileModel(model, options);
}

// ---- generated modules ----
export {
  compileAndImport, importGeneratedSource, importGeneratedFile, evaluateGeneratedSource, weightsJson,
  NotAGeneratedModuleError,
  type GeneratedModule, type GeneratedModel, type GeneratedModelMeta, type GeneratedLayerMeta,
  type GeneratedModelOptions, type CompileAndImportOptions, type Block,
} from './engines/generated-module.js';
export { getEngine, engineNames, type EngineName } from './engines/index.js';
export type { Engine, RunRequest, Trace, TraceLayer } from './model/trace.js';

// ---- summary and pictures ----
/** Per network: layers with output shapes, parameters and multiply-adds, and totals (`cnnc summary --json`). */
export function summary(model: CheckedModel): SummaryJson {
  return summaryJson(model);
}
export { summaryJson, summaryText, type SummaryJson } from './graph/summary.js';
export { renderSvg } from './graph/svg.js';
export { renderDot } from './graph/dot.js';

// ---- weights and data files ----
export {
  readWeightsFile, writeWeightsFile,
  weightsFromJson, weightsToJson, readWeightsJson, writeWeightsJson,
  encodeWeightsBinary, decodeWeightsBinary, readWeightsBinary, writeWeightsBinary,
  inputFromJson, labelsFromJson, outSensFromJson, readInput, readLabels, readOutSens,
} from './weights/index.js';

// ---- ONNX ----
/** `cnnc export`: the network with its weights as ONNX model bytes (inference, opset 13). */
export { exportOnnx } from './onnx/export.js';
/** An ONNX model as a .cnn source, its checked network and weights (`cnnc import`); OnnxImportError names every node the language cannot say. */
export { importOnnx, OnnxImportError, type ImportOptions, type ImportedNetwork } from './onnx/import.js';

// ---- the reference interpreter (also 'cnnc/interpreter') ----
export * as interpreter from './interp/index.js';
export {
  forwardNetwork, backwardNetwork, sgdStep,
  type ForwardResult, type BackwardResult, type BackwardTarget,
} from './interp/index.js';

// ---- training on IDX data ----
export { train, type TrainOptions, type TrainOutcome, type EpochResult, type BatchProgress } from './train/loop.js';
export { evaluate, type Evaluation } from './train/evaluate.js';
export { loadSplit, checkFit, resolveDataDir, type Split } from './train/data.js';
export { readIdx, parseIdx, type IdxFile } from './train/idx.js';
export type { TrainableModel, TrainableModule, ModuleMeta } from './train/model.js';
/** Data-parallel training and evaluation on worker threads (`--workers N`): `await ParallelModel.create(net, { workers, dtype, target })`. */
export { ParallelModel, WorkerFailure, shardSizes, defaultWorkers, type ParallelOptions } from './train/parallel.js';
