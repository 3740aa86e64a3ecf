// `cnnc summary`: a Keras-like table per network, or the JSON of docs/formats.md.
import type { CheckedModel } from '../model/checked.js';
import { learnableParams, shapeText } from './describe.js';

export interface SummaryJson {
  networks: {
    name: string;
    batch: number;
    input: [number, number, number];
    layers: { name: string; op: string; output: [number, number, number]; params: number; macs: number }[];
    totals: { params: number; macs: number };
  }[];
}

export function summaryJson(model: CheckedModel): SummaryJson {
  return {
    networks: model.networks.map((n) => ({
      name: n.name,
      batch: n.batch,
      input: [n.input.c, n.input.h, n.input.w],
      layers: n.layers.map((l) => ({
        name: l.name, op: l.op, output: [l.output.c, l.output.h, l.output.w], params: learnableParams(l), macs: l.macs,
      })),
      totals: { ...n.totals },
    })),
  };
}

const num = (n: number): string => n.toLocaleString('en-US');

function table(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = '-'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  const [head, ...body] = rows;
  const total = body.pop()!;
  return [line(head), rule, ...body.map(line), rule, line(total)].join('\n');
}

export function summaryText(model: CheckedModel): string {
  return model.networks.map((n) => {
    const rows = [
      ['layer', 'op', 'output', 'params', 'MACs/sample'],
      ['(input)', 'input', shapeText(n.input), '', ''],
      ...n.layers.map((l) => [l.name, l.op, shapeText(l.output), num(learnableParams(l)), num(l.macs)]),
      ['total', '', '', num(n.totals.params), num(n.totals.macs)],
    ];
    return `network ${n.name}  (batch ${n.batch}, input ${shapeText(n.input)}, output ${shapeText(n.output)})\n`
      + table(rows, [false, false, true, true, true]);
  }).join('\n\n');
}
