// Conv bias=true through the whole compiler, on every target and conv schedule: the exported
// kernels of biased convs (forward(x, w, b, y), grad(dy, x, dw, db), both adding into 0.5
// for grad) against the interpreter, an unbiased conv beside them keeping its signatures,
// and the module header and generated test naming the bias. (The Model's forward and
// backward with biased convs are in the random networks of test/property-generated.test.ts.)
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/model/build.js';
import type { ConvLayer } from '../src/model/checked.js';
import { size3 } from '../src/model/checked.js';
import { compileNetwork } from '../src/emit/index.js';
import { convBackward, convBiasGrad, convForward, convGrad } from '../src/interp/index.js';
import { mulberry32 } from '../src/model/init.js';
import { loadModule } from './helpers/load-module.js';
import { closeTo } from './helpers/compare.js';

// An exclave anchor, an even 4x1 kernel, a 1x1 kernel on a 1x1 map, one unbiased conv.
const net = buildNetwork({
  name: 'biased', batch: 3, input: [2, 7, 6],
  layers: [
    { op: 'conv', name: 'near', out: 3, kernel: [2, 3], anchor: [-1, 3], bias: true }, { op: 'relu' },
    { op: 'pool', name: 'over', size: [3, 3], stride: [2, 2], round: 'ceil' },
    { op: 'conv', name: 'tall', out: 4, kernel: [4, 1], bias: true },
    { op: 'conv', name: 'plain', out: 2, kernel: [3, 3] },
    { op: 'pool', name: 'all', size: [3, 3] },
    { op: 'conv', name: 'one', out: 5, kernel: [1, 1], bias: true },
  ],
});

const variants = [
  { what: 'wasm', options: {} },
  { what: 'js f32', options: { target: 'js' as const } },
  { what: 'js f32 split', options: { target: 'js' as const, convSchedule: 'split' as const } },
  { what: 'js f64', options: { dtype: 'f64' as const } },
];

type Kernel = (...arrays: (Float32Array | Float64Array)[]) => void;

describe('conv bias=true compiled', () => {
  for (const { what, options } of variants)
    it(`${what}: forward adds b, grad adds db, backward unchanged`, () => {
      const compiled = compileNetwork(net, options);
      const mod = loadModule(compiled.js);
      const F = options.dtype === 'f64' ? Float64Array : Float32Array;
      const tol = options.dtype === 'f64' ? 1e-12 : 1e-4;
      const next = mulberry32(5);
      const rand = (n: number) => { const a = new F(n); for (let e = 0; e < n; e++) a[e] = 2 * next() - 1; return a; };
      const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
      const T = net.batch;
      for (const layer of net.layers) {
        if (layer.op !== 'conv') continue;
        const l = layer as ConvLayer;
        const k = (role: string) => mod[`${l.name}_${role}`] as Kernel;
        const nx = T * size3(l.input), ny = T * size3(l.output), nw = l.params[0].size, C = l.output.c;
        const x = rand(nx), w = rand(nw), b = rand(C), dy = rand(ny);
        const y = new F(ny).fill(NaN);
        const dx = new F(nx).fill(NaN);
        const dw = new F(nw).fill(0.5), db = new F(C).fill(0.5);
        if (l.bias) {
          expect(k('forward').length, `${l.name}_forward arity`).toBe(4);
          k('forward')(x, w, b, y);
          k('grad')(dy, x, dw, db);
        } else {
          expect(k('forward').length, `${l.name}_forward arity`).toBe(3);
          k('forward')(x, w, y);
          k('grad')(dy, x, dw);
        }
        k('backward')(dy, w, dx);
        expect(closeTo(y, convForward(l, T, f64(x), f64(w), l.bias ? f64(b) : undefined), tol), `${l.name} forward`).toBeNull();
        expect(closeTo(dx, convBackward(l, T, f64(dy), f64(w)), tol), `${l.name} backward`).toBeNull();
        expect(closeTo(dw, convGrad(l, T, f64(dy), f64(x)).map((v) => v + 0.5), tol), `${l.name} grad w`).toBeNull();
        if (l.bias) expect(closeTo(db, convBiasGrad(l, T, f64(dy)).map((v) => v + 0.5), tol), `${l.name} grad b`).toBeNull();
        else expect(Array.from(db)).toEqual(new Array(C).fill(0.5));
      }
    });

  it('the header and the generated test name the bias; the unbiased conv is written as before', () => {
    const compiled = compileNetwork(net);
    expect(compiled.ts).toMatch(/^\/\/ near +conv +2x7x6 +3x7x6 +out=3 kernel=2x3 anchor=\(-1,3\) bias=true$/m);
    expect(compiled.ts).toMatch(/^\/\/ plain +conv +4x3x3 +2x3x3 +out=2 kernel=3x3 anchor=\(1,1\)$/m);
    expect(compiled.test).toContain('gen.near_forward(f(x), f(W0["near"].w), f(W0["near"].b), y);');
    expect(compiled.test).toContain('close("near_grad b (adds)", db, plusHalf(bwd.grads["near"].b));');
    expect(compiled.test).toContain('gen.plain_grad(f(dy), f(x), dw); close("plain_grad (adds)", dw, plusHalf(bwd.grads["plain"].w));');
    expect(compiled.test).not.toMatch(/"plain"\]\.b/);
  });
});
