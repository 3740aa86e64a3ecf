// Applies the size limits of limits.ts, reporting the numbers that exceed them.
import type { StatementNode } from '../frontend/ast.js';
import type { CheckedNetwork, Layer, SourceLoc } from '../model/checked.js';
import type { Limits } from './limits.js';
import { big } from './limits.js';
import type { Reporter } from './report.js';
import { dims } from './ops/types.js';

export function checkInputLimits(st: StatementNode, shape: [number, number, number], batch: number, r: Reporter, limits: Limits): boolean {
  const n = batch * shape[0] * shape[1] * shape[2];
  if (n <= limits.maxBlockElements) return true;
  const loc = st.options.find((o) => o.key.text === 'shape')?.value?.loc ?? st.op.loc;
  r.error('E040', loc, `input: the input block ${dims(batch, ...shape)} holds ${big(n)} numbers, more than the limit of ${big(limits.maxBlockElements)} (maxBlockElements)`);
  return false;
}

export function checkLayerLimits(layer: Layer, batch: number, prefix: string, st: StatementNode, r: Reporter, limits: Limits): boolean {
  let ok = true;
  const { c, h, w } = layer.output;
  const n = batch * c * h * w;
  if (n > limits.maxBlockElements) {
    r.error('E040', st.op.loc, `${prefix}its output block ${dims(batch, c, h, w)} holds ${big(n)} numbers, more than the limit of ${big(limits.maxBlockElements)} (maxBlockElements)`);
    ok = false;
  }
  for (const p of layer.params) {
    if (p.size > limits.maxWeightElements) {
      r.error('E041', st.op.loc, `${prefix}its ${p.key} tensor ${dims(...p.shape)} holds ${big(p.size)} numbers, more than the limit of ${big(limits.maxWeightElements)} (maxWeightElements)`);
      ok = false;
      break;
    }
  }
  return ok;
}

/** Estimated statements of the generated kernels if every window is unrolled once. */
export function kernelStatements(layers: readonly Layer[]): number {
  let total = 0;
  for (const l of layers) {
    if (l.op === 'conv') total += 3 * l.kernel.rows * l.kernel.cols;
    else if (l.op === 'pool') total += 2 * l.size.rows * l.size.cols;
    else total += 20;
  }
  return total;
}

export function checkNetworkLimits(net: CheckedNetwork, loc: SourceLoc, r: Reporter, limits: Limits): boolean {
  let ok = true;
  if (net.totals.macs > limits.maxMacsPerSample) {
    r.error('E042', loc, `network ${net.name} needs ${big(net.totals.macs)} multiply-adds per sample, more than the limit of ${big(limits.maxMacsPerSample)} (maxMacsPerSample)`);
    ok = false;
  }
  const statements = kernelStatements(net.layers);
  if (statements > limits.maxKernelStatements) {
    r.error('E043', loc, `network ${net.name} would need about ${big(statements)} kernel statements, more than the limit of ${big(limits.maxKernelStatements)} (maxKernelStatements)`);
    ok = false;
  }
  return ok;
}
