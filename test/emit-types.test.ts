// The emitted .ts type-checks under strict settings (also noUnusedLocals/Parameters), and the
// .d.ts describes the .js: a consumer written against it type-checks, and every name the .js
// exports is declared. Checked on a small network: type-checking is quadratic on the long
// kernels of big ones (the reason the .js is produced without the checker).
import { describe, expect, it } from 'vitest';
import { typeDiagnostics, typedNet } from './helpers/strict-types.js';
import { compileNetwork } from '../src/emit/index.js';

const net = typedNet;
const diagnostics = typeDiagnostics;

const consumer = `
import { createModel, meta, Model, c1_forward, f1_grad, p1_path, softmax1_loss, type ModelMeta } from './typed.js';
const m: Model = createModel({ seed: 1 });
const y: Float32Array = m.forward(new Array(meta.batch * 40).fill(0), { training: false });
const loss: number = m.backward(new Float32Array(6), { accumulate: true });
const s: Float32Array | null = m.sensitivity('f2');
const p: Int32Array = m.path('p1');
const w: Record<string, Record<string, number[]>> = m.toJSON();
m.loadJSON(w);
m.loadBinary(m.toBinary());
m.step({ lr: 0.1, momentum: 0.9 });
const info: ModelMeta = meta;
c1_forward(new Float32Array(80), new Float32Array(36), new Float32Array(120));
f1_grad(new Float32Array(8), new Float32Array(2), new Float32Array(4), new Float32Array(4));
p1_path(new Float32Array(1), new Float32Array(1), new Int32Array(1));
const l: number = softmax1_loss(new Float32Array(6), new Float32Array(6), new Float32Array(6), new Float32Array(6));
export const all = [y, loss, s, p, info, l, m.inputSensitivity, m.grad('c1', 'w'), m.param('n1', 'gamma')];
`;

for (const target of ['wasm', 'js'] as const) describe(`types of the emitted files (${target} target)`, () => {
  const compiled = compileNetwork(net, { target });

  it('the .ts type-checks under strict settings', () => {
    expect(diagnostics({ '/m/typed.ts': compiled.ts }, ['/m/typed.ts'])).toEqual([]);
  }, 60_000);

  it('a consumer type-checks against the .d.ts, and the .d.ts declares every export of the .js', () => {
    expect(diagnostics({ '/d/typed.d.ts': compiled.dts, '/d/use.ts': consumer }, ['/d/typed.d.ts', '/d/use.ts'])).toEqual([]);
    const exported = [...compiled.js.matchAll(/^export (?:async function|function|class|const) ([\w$]+)/gm)].map((m) => m[1]).sort();
    const declared = [...compiled.dts.matchAll(/^export declare (?:async function|function|class|const) ([\w$]+)/gm)].map((m) => m[1]).sort();
    expect(declared).toEqual(exported);
    expect(exported).toContain('n1_infer');
  }, 60_000);
});
