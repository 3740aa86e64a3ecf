// One engine on one network: for each task (inference at batch 1 and at the network's batch,
// a training step at the network's batch), check the engine's answer against the
// interpreter's on the same weights and data, then time it. A wrong answer is reported as
// wrong and not timed.
import { compare as C, workload as W, layout as L } from './cnnc.mjs';
import { measure } from './measure.mjs';
import { referenceGradients } from './reference.mjs';

export const LR = 1e-4;
const INFER_TOLERANCE = 1e-4; // float32 engines vs the float64 interpreter, relative to the largest value
const GRAD_TOLERANCE = 1e-3;

export const engines = {
  'cnnc-wasm': async (net, weights) => (await import('../engines/cnnc.mjs')).createGenerated(net, weights, 'wasm'),
  'cnnc-js': async (net, weights) => (await import('../engines/cnnc.mjs')).createGenerated(net, weights, 'js'),
  /** The name of the generated module's engine before it had two targets: the default (wasm). */
  'cnnc-generated': async (net, weights) => (await import('../engines/cnnc.mjs')).createGenerated(net, weights, 'wasm'),
  'cnnc-interpreter': async (net, weights) => (await import('../engines/cnnc.mjs')).createInterpreter(net, weights),
  'tfjs-cpu': async (net, weights) => (await import('../engines/tfjs.mjs')).createTfjs('cpu', net, weights),
  'tfjs-wasm': async (net, weights) => (await import('../engines/tfjs.mjs')).createTfjs('wasm', net, weights),
  'ort-1': async (net, weights) => (await import('../engines/onnxruntime.mjs')).createOnnxRuntime(1, net, weights),
  'ort-2': async (net, weights) => (await import('../engines/onnxruntime.mjs')).createOnnxRuntime(2, net, weights),
  convnetjs: async (net, weights) => (await import('../engines/convnetjs.mjs')).createConvNetJs(net, weights),
};

/**
 * Runs the tasks and returns one row each:
 * { engine, network, task, batch, status: 'ok'|'wrong'|'n/a'|'error', check, ms, imagesPerSec }.
 */
export async function runJobs(engineName, net, options = {}) {
  const maxTime = options.maxTime ?? 1000;
  const batches = options.batches ?? [1, net.batch];
  const tasks = [...batches.map((b) => ({ task: 'infer', batch: b })), { task: 'train', batch: net.batch }];
  const rows = [];
  const refused = L.unsupportedReason(net);
  const base = { engine: engineName, network: net.name };
  if (refused && !engineName.startsWith('cnnc')) {
    return tasks.map((t) => ({ ...base, ...t, status: 'n/a', check: refused }));
  }
  const work = W.makeWorkload(net); // weights at the network's batch; the same weights for every batch
  let engine;
  try {
    engine = await engines[engineName](net, work.weights);
  } catch (e) {
    return tasks.map((t) => ({ ...base, ...t, status: 'error', check: String(e?.message ?? e) }));
  }
  for (const { task, batch } of tasks) {
    const row = { ...base, task, batch };
    rows.push(row);
    try {
      const bnet = L.withBatch(net, batch);
      const w = { ...W.makeWorkload(bnet), weights: work.weights };
      if (task === 'infer') {
        const agreement = C.compareArrays('inference output', await engine.infer(w.input, batch), W.referenceInference(w), INFER_TOLERANCE);
        Object.assign(row, { status: agreement.ok ? 'ok' : 'wrong', check: agreement.detail });
        if (!agreement.ok) continue;
        Object.assign(row, timing(await measure(engine.inferRunner(w.input, batch), { maxTime }), batch));
      } else {
        if (engine.canTrain) { Object.assign(row, { status: 'n/a', check: engine.canTrain }); continue; }
        const ref = referenceGradients(w);
        const labels = net.endsWithSoftmax && engineName === 'convnetjs' ? w.classes : w.target;
        const got = await engine.gradients(w.input, labels, batch);
        await engine.prepare?.(batch);
        const checks = [C.compareArrays('loss', [got.loss], [ref.loss], INFER_TOLERANCE)];
        for (const [layer, tensors] of Object.entries(ref.grads)) {
          for (const [key, g] of Object.entries(tensors)) {
            const mine = got.grads[layer]?.[key];
            checks.push(mine ? C.compareArrays(`gradient ${layer}.${key}`, mine, g, GRAD_TOLERANCE)
              : { ok: false, relError: Infinity, detail: `gradient ${layer}.${key} missing` });
          }
        }
        const worst = checks.reduce((a, b) => (!b.ok || b.relError > a.relError ? b : a));
        const ok = checks.every((c) => c.ok);
        Object.assign(row, { status: ok ? 'ok' : 'wrong', check: `${checks.length - 1} gradients and the loss; worst ${worst.detail}` });
        if (!ok) continue;
        Object.assign(row, timing(await measure(engine.trainRunner(w.input, labels, batch, LR), { maxTime }), batch));
      }
    } catch (e) {
      Object.assign(row, { status: 'error', check: String(e?.stack ?? e) });
    }
  }
  await engine.dispose?.();
  return rows;
}

function timing(t, batch) {
  return { ms: t.ms, imagesPerSec: (batch * 1000) / t.ms, firstMs: t.firstMs, calls: t.calls };
}
