// Applies the size limits of limits.ts, reporting the numbers that exceed them.
import type { StatementNode } from '../frontend/ast.js';
import type { CheckedNetwork, Layer, SourceLoc } from '../model/checked.js';
import type { Limits } from './limits.js';
import { big } from './limits.js';
import type { Reporter } from './report.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
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

/** The op keywords: each starts exactly one layer (keywords cannot be names or option values). */
const LAYER_WORD = /(?<![A-Za-z0-9_])(?:conv|bn|relu|pool|full|softmax)(?![A-Za-z0-9_])/g;
const COMMENT = /(?:#|\/\/)[^\n\r]*/g;

function locAt(source: string, offset: number, length: number): SourceLoc {
  let line = 1;
  let start = 0;
  const breaks = /\r\n|\r|\n/g;
  for (let m = breaks.exec(source); m !== null && m.index < offset; m = breaks.exec(source)) {
    line++;
    start = m.index + m[0].length;
  }
  return { line, column: offset - start + 1, offset, length };
}

/**
 * The limits on the whole source, checked before it is parsed so that an absurd file is
 * refused at once: its size in bytes (E045) and its number of layers (E044), counted as
 * op keywords outside comments. Returns the error, or undefined.
 */
export function checkSourceLimits(source: string, limits: Limits): Diagnostic | undefined {
  const bytes = Buffer.byteLength(source);
  if (bytes > limits.maxSourceBytes) {
    return {
      code: 'E045', severity: 'error', loc: { line: 1, column: 1, offset: 0, length: 0 },
      message: `the file holds ${big(bytes)} bytes, more than the limit of ${big(limits.maxSourceBytes)} (maxSourceBytes); a model is a few kilobytes`,
    };
  }
  // Comments become spaces of the same length, so offsets stay those of the source.
  const code = source.replace(COMMENT, (c) => ' '.repeat(c.length));
  let count = 0;
  let over: RegExpExecArray | undefined;
  for (const m of code.matchAll(LAYER_WORD)) {
    count++;
    if (count === limits.maxLayers + 1) over = m;
  }
  if (over === undefined) return undefined;
  return {
    code: 'E044', severity: 'error', loc: locAt(source, over.index, over[0].length),
    message: `the file has ${big(count)} layers, more than the limit of ${big(limits.maxLayers)} (maxLayers, all networks together); this is layer ${big(limits.maxLayers + 1)}`,
  };
}

/** E043 for the file: the kernel statements of all its networks together. */
export function checkFileStatements(networks: readonly CheckedNetwork[], loc: (net: CheckedNetwork) => SourceLoc, r: Reporter, limits: Limits): void {
  let total = 0;
  for (const net of networks) {
    const own = kernelStatements(net.layers);
    total += own;
    // A network over the limit on its own is reported by checkNetworkLimits.
    if (total > limits.maxKernelStatements && own <= limits.maxKernelStatements) {
      r.error('E043', loc(net), `the networks of the file up to ${net.name} would need about ${big(total)} kernel statements together, more than the limit of ${big(limits.maxKernelStatements)} (maxKernelStatements, for the whole file)`);
      return;
    }
  }
}
