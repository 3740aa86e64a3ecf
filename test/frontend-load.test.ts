// loadModel: the front end's API for the other stages.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../src/frontend/index.js';
import { buildNetwork } from '../src/model/build.js';
import { UserError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-load-'));

describe('loadModel', () => {
  it("gives the spec's LeNet exactly as buildNetwork builds it by hand (locations aside)", () => {
    const model = loadModel('test/fixtures/spec/lenet.cnn');
    expect(model.file).toBe('test/fixtures/spec/lenet.cnn');
    const byHand = buildNetwork({
      name: 'lenet', batch: 32, input: [1, 28, 28],
      layers: [
        { op: 'conv', name: 'c1', out: 6, kernel: [5, 5] }, { op: 'relu' },
        { op: 'pool', name: 'p1', size: [2, 2], stride: [2, 2] },
        { op: 'conv', name: 'c2', out: 16, kernel: [5, 6], anchor: [2, 1] }, { op: 'bn', name: 'n2' }, { op: 'relu' },
        { op: 'pool', name: 'p2', size: [2, 2], stride: [2, 2] },
        { op: 'full', name: 'f1', out: 120 }, { op: 'relu' }, { op: 'full', name: 'f2', out: 10 }, { op: 'softmax' },
      ],
    });
    const noLoc = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'loc' ? undefined : v)));
    expect(noLoc(model.networks[0])).toEqual(noLoc(byHand));
  });

  it('throws a UserError (exit 1) with every diagnostic and the count', () => {
    const path = join(dir, 'bad.cnn');
    writeFileSync(path, 'network n {\n  input shape=1x8x8\n  conv out=2\n  full out=0\n}\n');
    let caught: unknown;
    try { loadModel(path); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(UserError);
    const e = caught as UserError;
    expect(e.exitCode).toBe(1);
    expect(e.message.split('\n').filter((l) => l.startsWith(path))).toEqual([
      `${path}:3:3: error: conv conv1: missing required option 'kernel' (write e.g. kernel=3x3) [E013]`,
      `${path}:4:12: error: full full1: out must be positive, not 0 [E015]`,
    ]);
    expect(e.message.endsWith('2 errors, 0 warnings')).toBe(true);
  });

  it('passes warnings to onWarnings and returns the model', () => {
    const path = join(dir, 'warn.cnn');
    writeFileSync(path, 'network n {\n  input shape=1x8x8\n  bn\n}\n');
    const seen: string[] = [];
    const model = loadModel(path, { onWarnings: (w) => seen.push(w) });
    expect(model.networks[0].layers[0].name).toBe('bn1');
    expect(seen).toHaveLength(1);
    expect(seen[0].split('\n')[0]).toContain(':3:3: warning: bn bn1: per-position normalisation with batch=1');
  });

  it('a byte-order mark at the start is ignored', () => {
    const path = join(dir, 'bom.cnn');
    writeFileSync(path, '\uFEFFnetwork n { input shape=1x2x2 relu }');
    expect(loadModel(path).networks[0].name).toBe('n');
  });

  it('a missing file is a UserError naming it', () => {
    expect(() => loadModel(join(dir, 'none.cnn'))).toThrow(`cnnc: cannot read ${join(dir, 'none.cnn')}: no such file`);
  });

  it('size limits can be tightened', () => {
    expect(() => loadModel('examples/vgg.cnn', { limits: { maxMacsPerSample: 1_000_000 } })).toThrow(/needs 7,972,864 multiply-adds per sample/);
  });
});
