// ONNX Runtime for Node, CPU execution provider. The .onnx file is written from the checked
// network and the same weights by cnnc's own ONNX writer (src/onnx/), and kept in
// bench/peers/models/ for inspection. Inference only (ONNX Runtime's training API is a
// separate build). Threads: intra-op pool of 1 or 2, sequential execution.
import * as ort from 'onnxruntime-node';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onnx } from '../lib/cnnc.mjs';

const modelsDir = join(dirname(fileURLToPath(import.meta.url)), '../models');

export async function createOnnxRuntime(threads, net, weights) {
  const bytes = onnx.onnxModel(net, weights);
  mkdirSync(modelsDir, { recursive: true });
  writeFileSync(join(modelsDir, `${net.name}.onnx`), bytes);
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const { c, h, w } = net.input;
  const feeds = (input, T) => ({ input: new ort.Tensor('float32', Float32Array.from(input), [T, c, h, w]) });
  return {
    canTrain: 'onnxruntime-node runs inference only (training needs the separate onnxruntime-training build)',
    async infer(input, T) {
      const out = await session.run(feeds(input, T));
      return Float64Array.from(out.output.data);
    },
    inferRunner(input, T) {
      const f = feeds(input, T);
      return () => session.run(f);
    },
    dispose: () => session.release(),
  };
}
