// `cnnc bench` on a tiny network: the harness runs end to end and its JSON has the shape of
// docs/formats.md, with the GFLOP/s derived from hand-counted multiply-adds. No assertion on
// any time or speed-up (the figures depend on the machine and its load).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli-frontend-capture.js';
import { layerFlops, networkFlops } from '../src/bench/flops.js';
import { buildNetwork } from '../src/model/build.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny = join(dir, 'tiny.cnn');
writeFileSync(tiny, `network tiny {
  input shape=1x6x6 batch=2
  conv c out=2 kernel=3x3
  relu
  pool p size=2
  full f out=3
  softmax
}
`);

describe('cnnc bench', () => {
  it('prints the JSON of docs/formats.md with a row for every kernel and the whole network, per target', async () => {
    const r = await cli('bench', tiny, '--json', '--quick', '--max-time', '0.01');
    expect(r.stderr).toContain('tiny: 1/');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { network: string; machine: string; targets: string[]; rows: Record<string, unknown>[]; firstResult: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(['network', 'machine', 'targets', 'rows', 'firstResult']);
    expect(report.network).toBe('tiny');
    expect(typeof report.machine).toBe('string');
    expect(report.targets).toEqual(['wasm', 'js']);
    const cases = [
      'c/forward', 'c/backward', 'c/grad', 'relu1/forward', 'relu1/backward', 'p/forward', 'p/path', 'p/backward',
      'f/forward', 'f/backward', 'f/grad', 'softmax1/forward', 'softmax1/backward', 'network/infer', 'network/train',
    ];
    expect(report.rows.map((row) => `${row.scope}/${row.op}/${row.target}`)).toEqual(cases.flatMap((c) => [`${c}/wasm`, `${c}/js`]));
    for (const row of report.rows) {
      expect(Object.keys(row)).toEqual(['scope', 'op', 'target', 'generatedMs', 'interpretedMs', 'speedup', 'gflops']);
      const { generatedMs, interpretedMs, speedup, gflops } = row as { generatedMs: number; interpretedMs: number; speedup: number; gflops: number | null };
      expect(generatedMs).toBeGreaterThan(0);
      expect(interpretedMs).toBeGreaterThan(0);
      expect(speedup).toBeCloseTo(interpretedMs / generatedMs, 9);
      // conv c: 2 out × 1 in × 6×6 positions × 3×3 window = 648 multiply-adds a sample;
      // batch 2, 2 FLOPs each → 2592 FLOPs a call. full f: 3 × (2·3·3) = 54 → 216 FLOPs.
      const flops = row.scope === 'c' ? 2592 : row.scope === 'f' ? 216
        : row.scope === 'network' ? (row.op === 'infer' ? 2592 + 216 : 3 * (2592 + 216)) : null;
      if (flops === null || row.op === 'path') expect(gflops).toBeNull();
      else expect(gflops).toBeCloseTo(flops / (generatedMs * 1e6), 9);
    }
    // The two rows of a case share the one interpreter timing.
    for (let i = 0; i < report.rows.length; i += 2) expect(report.rows[i].interpretedMs).toBe(report.rows[i + 1].interpretedMs);
    // Time to first result: both targets, both tasks, in a fresh process each; the parts add up.
    expect(report.firstResult.map((f) => `${f.target}/${f.task}`)).toEqual(['wasm/infer', 'wasm/train', 'js/infer', 'js/train']);
    for (const f of report.firstResult as { importMs: number; createMs: number; firstMs: number; toFirstMs: number; steadyMs: number; steadyAfterCalls: number; calls: number }[]) {
      for (const v of [f.importMs, f.createMs, f.firstMs, f.steadyMs]) expect(v).toBeGreaterThan(0);
      expect(f.toFirstMs).toBeGreaterThanOrEqual(f.importMs + f.createMs + f.firstMs);
      expect(f.steadyAfterCalls).toBeGreaterThanOrEqual(1);
      expect(f.steadyAfterCalls).toBeLessThanOrEqual(f.calls);
    }
  });

  it('--target restricts the rows to one target; --no-first skips the fresh-module timing', async () => {
    const r = await cli('bench', tiny, '--json', '--quick', '--max-time', '0.01', '--target', 'js', '--no-first');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { targets: string[]; rows: { target: string }[]; firstResult?: unknown };
    expect(report.targets).toEqual(['js']);
    expect(new Set(report.rows.map((row) => row.target))).toEqual(new Set(['js']));
    expect(report.rows).toHaveLength(15);
    expect(report.firstResult).toBeUndefined();
  });

  it('--roofline measures the scalar-JS and the WebAssembly SIMD ceilings', async () => {
    const r = await cli('bench', tiny, '--quick', '--max-time', '0.01', '--target', 'wasm', '--no-first', '--roofline');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nscalar-JS roofline: [\d.]+ GFLOP\/s/);
    expect(r.stdout).toMatch(/\nWebAssembly SIMD roofline: [\d.]+ GFLOP\/s \(1 f32x4 load → \d+ mul\+add/);
    expect(r.stdout).toContain('wasm % of roofline');
  });

  it('prints a table by default', async () => {
    const r = await cli('bench', tiny, '--quick', '--max-time', '0.01');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tiny \(batch 2\) on /);
    expect(r.stdout).toMatch(/\nnetwork\s+train\s/);
    expect(r.stdout).toMatch(/\nlayer\s+op\s+wasm ms\s+js ms\s+interpreted ms/);
    expect(r.stdout).toContain('time to first result');
  });

  it('says what is wrong with the command line (exit 2) or the model (exit 1)', async () => {
    const bad = await cli('bench', tiny, '--max-time', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-time must be a number of seconds');
    const target = await cli('bench', tiny, '--target', 'gpu');
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('--target must be wasm or js, got "gpu"');
    const missing = await cli('bench', tiny, '--network', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no network named nope (the file has tiny)');
  });
});

describe('work counts', () => {
  it('count conv and full multiply-adds by docs/operations.md, nothing for other ops', () => {
    const net = buildNetwork({ name: 'n', batch: 4, input: [3, 5, 5], layers: [
      { op: 'conv', out: 2, kernel: [2, 3] }, { op: 'relu' }, { op: 'full', out: 7 },
    ] });
    // conv: 2·3·5·5·2·3 = 900 MACs a sample → 4 samples × 2 FLOPs = 7200 per kernel call
    expect(layerFlops(net.layers[0], 'forward', 4)).toBe(7200);
    expect(layerFlops(net.layers[0], 'grad', 4)).toBe(7200);
    expect(layerFlops(net.layers[1], 'forward', 4)).toBe(0);
    // full: 7 · (2·5·5) = 350 MACs → 2800 FLOPs
    expect(layerFlops(net.layers[2], 'backward', 4)).toBe(2800);
    expect(networkFlops(net, 'infer')).toBe(10000);
    expect(networkFlops(net, 'train')).toBe(30000);
  });
});
