// The peers harness on tiny networks: every peer engine's answer must agree with the
// interpreter (status "ok"), including an asymmetric and an exclave (cropping) anchor and a
// per-position BN. Runs only where bench/peers is installed (`ONNXRUNTIME_NODE_INSTALL=skip
// npm ci --prefix bench/peers`, ~30 s, ~600 MB) and cnnc is built (dist/), since the harness
// imports the built package. No timing assertions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const installed = existsSync(join(root, 'bench/peers/node_modules/onnxruntime-node')) && existsSync(join(root, 'dist/src/bench/workload.js'));

const dir = mkdtempSync(join(tmpdir(), 'cnnc-peers-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = join(dir, 'tiny.cnn');
writeFileSync(model, `network tiny {
  input shape=2x8x8 batch=4
  conv c1 out=3 kernel=3x4 anchor=(1,0)   # pads top 1, bottom 1, left 0, right 3
  relu
  conv c2 out=2 kernel=2x3 anchor=(-1,3)  # pads top -1 (a crop), bottom 2, left 3, right -1
  pool p size=2
  full f out=3
  softmax
}
network tinybn {
  input shape=1x6x6 batch=4
  conv c out=2 kernel=3x3
  bn n
  relu
  full f out=3 bias=true
  softmax
}
`);

type Row = { engine: string; task: string; batch: number; status: string; check: string };
function run(engine: string, network: string): Row[] {
  const out = execFileSync(process.execPath, ['engine.mjs', engine, model, '--network', network, '--max-time', '5'], { cwd: join(root, 'bench/peers'), encoding: 'utf8' });
  return out.trim().split('\n').map((l) => JSON.parse(l) as Row);
}
const summary = (rows: Row[]) => rows.map((r) => `${r.task}@${r.batch}:${r.status}`);

describe.skipIf(!installed)('peers harness', () => {
  it('TF.js CPU agrees on inference and on every gradient', () => {
    expect(summary(run('tfjs-cpu', 'tiny'))).toEqual(['infer@1:ok', 'infer@4:ok', 'train@4:ok']);
    expect(summary(run('tfjs-cpu', 'tinybn'))).toEqual(['infer@1:ok', 'infer@4:ok', 'train@4:ok']);
  });
  it('TF.js WASM and ONNX Runtime agree on inference and say why they do not train', () => {
    for (const engine of ['tfjs-wasm', 'ort-1']) {
      for (const network of ['tiny', 'tinybn']) {
        const rows = run(engine, network);
        expect(summary(rows)).toEqual(['infer@1:ok', 'infer@4:ok', 'train@4:n/a']);
        expect(rows[2].check.length).toBeGreaterThan(10);
      }
    }
  });
  it('ConvNetJS agrees (with its pad layer), and refuses to train BN', () => {
    expect(summary(run('convnetjs', 'tiny'))).toEqual(['infer@1:ok', 'infer@4:ok', 'train@4:ok']);
    const bn = run('convnetjs', 'tinybn');
    expect(summary(bn)).toEqual(['infer@1:ok', 'infer@4:ok', 'train@4:n/a']);
    expect(bn[2].check).toContain('no batch normalisation');
  });
  it('the generated module agrees too, at both targets (cnnc-generated is the wasm one)', () => {
    for (const engine of ['cnnc-wasm', 'cnnc-js', 'cnnc-generated']) {
      for (const network of ['tiny', 'tinybn']) {
        const rows = run(engine, network);
        expect(summary(rows)).toEqual(['infer@1:ok', 'infer@4:ok', 'train@4:ok']);
        expect(rows.map((r) => r.engine)).toEqual([engine, engine, engine]);
      }
    }
  });
});
