// Both engines of `cnnc run` on the same example give traces of the same form whose numbers
// agree: float64 generated code against the interpreter (to rounding), float32 to its
// precision. This checks the generated engine and the interpreter against each other.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getEngine } from '../src/engines/index.js';
import { loadModel } from '../src/frontend/index.js';
import { initWeights } from '../src/model/init.js';
import type { Trace } from '../src/model/trace.js';
import { validateTrace } from './fixtures/trace-format.js';

const read = (f: string) => Float64Array.from(JSON.parse(readFileSync(f, 'utf8')) as number[]);

/** Largest |a - b| over every number of the two traces, relative to the largest |a|, per array. */
function compare(a: Trace, b: Trace): { what: string; err: number }[] {
  const out: { what: string; err: number }[] = [];
  const rel = (what: string, x: number[] | null, y: number[] | null) => {
    if (x === null || y === null) {
      expect(y, what).toBe(x);
      return;
    }
    expect(y.length, what).toBe(x.length);
    let diff = 0;
    let scale = 1e-12;
    x.forEach((v, e) => {
      diff = Math.max(diff, Math.abs(v - y[e]));
      scale = Math.max(scale, Math.abs(v));
    });
    out.push({ what, err: diff / scale });
  };
  a.layers.forEach((la, l) => {
    const lb = b.layers[l];
    rel(`${la.name}.output`, la.output, lb.output);
    rel(`${la.name}.sensitivity`, la.sensitivity, lb.sensitivity);
    for (const k of Object.keys(la.grads)) rel(`${la.name}.grads.${k}`, la.grads[k], lb.grads[k]);
    if (la.path) expect(lb.path, `${la.name}.path`).toEqual(la.path);
  });
  rel('inputSensitivity', a.inputSensitivity, b.inputSensitivity);
  out.push({ what: 'loss', err: Math.abs(a.loss! - b.loss!) / Math.abs(a.loss!) });
  return out;
}

describe('generated engine against the interpreter engine', () => {
  const net = loadModel('examples/exotic.cnn').networks[0];
  const req = { weights: initWeights(net, 1), input: read('examples/data/exotic-input.json'), labels: read('examples/data/exotic-labels.json'), mode: 'train' as const };

  for (const [dtype, tol] of [['f64', 1e-9], ['f32', 1e-3]] as const)
    it(`exotic, ${dtype}`, async () => {
      const reference = await (await getEngine('interpreter')).run(net, req);
      const generated = await (await getEngine('generated', { dtype })).run(net, req);
      expect(validateTrace(JSON.parse(JSON.stringify(generated)), net, 'generated', true)).toEqual([]);
      const worst = compare(reference, generated).filter((c) => !(c.err < tol));
      expect(worst).toEqual([]);
    });
});
