// Small per-op, per-schedule kernel snapshots: the printed kernels of one small layer for
// each schedule (conv padded / split, without and with bias, pool overlapping / ceil, full tiles with
// remainders, bn in both modes, relu, softmax), each kernel under its schedule comment as in
// a module. A change to a printer or a planner shows up here as a line diff.
// Refresh after a deliberate change: UPDATE_SNAPSHOTS=1 npx vitest run test/kernel-snapshots.test.ts
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource } from '../src/frontend/index.js';
import { planNetwork } from '../src/lower/index.js';
import type { PlanOptions } from '../src/lower/types.js';
import { printKernel } from '../src/emit/ops.js';
import { lineDiff } from './helpers/line-diff.js';

const DIR = join('test', 'snapshots', 'kernels');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

/** [snapshot name, input line, layer line, plan options, expected kernel kinds] */
const cases: [string, string, string, PlanOptions, string[]][] = [
  ['conv-padded', 'shape=2x5x6 batch=2', 'conv c out=3 kernel=3x2 anchor=(1,0)', {}, ['conv-padded']],
  ['conv-split', 'shape=2x5x6 batch=2', 'conv c out=3 kernel=3x2 anchor=(1,0)', { convSchedule: 'split' }, ['conv-split']],
  ['conv-padded-bias', 'shape=2x3x5 batch=2', 'conv c out=3 kernel=2x3 anchor=(-1,3) bias=true', {}, ['conv-padded']],
  ['conv-split-bias', 'shape=2x3x5 batch=2', 'conv c out=3 kernel=2x3 anchor=(-1,3) bias=true', { convSchedule: 'split' }, ['conv-split']],
  ['pool-overlap', 'shape=2x7x7 batch=2', 'pool p size=3x3 stride=2x2', {}, ['pool-sweep', 'pool-backward']],
  ['pool-ceil', 'shape=1x5x7 batch=1', 'pool p size=2x3 stride=2x2 round=ceil', {}, ['pool-sweep', 'pool-backward']],
  ['full-tiles', 'shape=2x1x3 batch=5', 'full f out=6 bias=true', {}, ['full-tiles']],
  ['bn-position', 'shape=2x2x3 batch=3', 'bn n', {}, ['bn']],
  ['bn-channel', 'shape=2x2x3 batch=3', 'bn n mode=channel eps=0.001 momentum=0.2', {}, ['bn']],
  ['relu', 'shape=3x2x2 batch=2', 'relu r', {}, ['relu']],
  ['softmax', 'shape=5x1x1 batch=3', 'softmax s', {}, ['softmax']],
];

function printed(input: string, layer: string, options: PlanOptions): { text: string; kinds: string[] } {
  const source = `network snap {\n  input ${input}\n  ${layer}\n}\n`;
  const checked = checkSource(source, 'snap.cnn');
  if (!checked.model) throw new Error(`snapshot model does not check: ${checked.diagnostics.map((d) => d.message).join('; ')}`);
  const plan = planNetwork(checked.model.networks[0], options);
  const kernels = plan.kernels.map((k) => printKernel(k, plan.dtype));
  const text = kernels.map((k) => `// ${k.name}: ${k.schedule}\n${k.code}\n`).join('\n');
  return { text, kinds: [...new Set(plan.kernels.map((k) => k.kind))] };
}

describe('kernel snapshots', () => {
  it.each(cases)('%s', (name, input, layer, options, kinds) => {
    const { text, kinds: got } = printed(input, layer, options);
    expect(got).toEqual(kinds);
    const path = join(DIR, `${name}.snap`);
    if (UPDATE || !existsSync(path)) {
      if (!UPDATE) throw new Error(`no snapshot ${path}: run UPDATE_SNAPSHOTS=1 npx vitest run test/kernel-snapshots.test.ts`);
      mkdirSync(DIR, { recursive: true });
      writeFileSync(path, text);
      return;
    }
    const want = readFileSync(path, 'utf8');
    if (want !== text) {
      expect.fail(`${path} differs from the printed kernels (- snapshot, + now); refresh with UPDATE_SNAPSHOTS=1 if deliberate:\n${lineDiff(want, text)}`);
    }
  });
});

describe('the snapshot diff', () => {
  it('shows removed and added lines with their context', () => {
    const want = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].join('\n');
    const got = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h'].join('\n');
    expect(lineDiff(want, got, 1)).toBe(['@@ expected line 3 @@', '  c', '- d', '+ D', '  e', '@@ expected line 7 @@', '  g', '+ h'].join('\n'));
  });
});
