// Names from the model never break or inject code: JavaScript reserved words and names with
// a meaning on objects are valid .cnn names and must give a working module; anything that is
// not a .cnn name (only reachable by building networks in code) is refused.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/model/build.js';
import { initWeights } from '../src/model/init.js';
import { compileNetwork } from '../src/emit/index.js';
import { str } from '../src/emit/names.js';
import { kernelName } from '../src/lower/names.js';
import { forwardNetwork } from '../src/interp/index.js';
import { loadModule } from './helpers/load-module.js';

describe('identifier safety', () => {
  const awkward = ['class', 'delete', 'this', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'F', 'meta', 'Model', 'createModel', 'prototype'];

  it('reserved words and object-ish names as layer and network names give a working module', () => {
    const net = buildNetwork({
      name: 'constructor', batch: 2, input: [1, 3, 3],
      layers: [
        { op: 'conv', name: 'class', out: 2, kernel: [2, 2] }, { op: 'bn', name: '__proto__' }, { op: 'relu', name: 'delete' },
        { op: 'pool', name: 'this', size: [2, 2], round: 'ceil' }, { op: 'full', name: 'toString', out: 4, bias: true },
        { op: 'relu', name: 'hasOwnProperty' }, { op: 'full', name: 'F', out: 3 }, { op: 'bn', name: 'meta', mode: 'channel' },
        { op: 'full', name: 'Model', out: 3 }, { op: 'relu', name: 'createModel' }, { op: 'full', name: 'prototype', out: 2 },
        { op: 'softmax', name: 'valueOf' },
      ],
    });
    expect(new Set(net.layers.map((l) => l.name))).toEqual(new Set([...awkward.filter((n) => n !== 'constructor'), 'valueOf']));
    const compiled = compileNetwork(net, { dtype: 'f64' });
    const mod = loadModule(compiled.js);
    expect(mod.meta.name).toBe('constructor');
    expect(typeof mod.class_forward).toBe('function');
    expect(typeof mod.__proto___forward).toBe('function');
    const m = mod.createModel({ seed: 3 });
    const input = Array.from({ length: 18 }, (_, i) => Math.cos(i));
    m.forward(input);
    const ref = forwardNetwork(net, initWeights(net, 3), Float64Array.from(input), { training: true });
    for (const l of net.layers) {
      Array.from(m.activation(l.name)).forEach((v, i) => expect(v, `${l.name}[${i}]`).toBeCloseTo(ref.activations[l.index][i], 10));
    }
    // `__proto__` is an own key of the weights JSON, survives JSON text, and loads back.
    const json = m.toJSON();
    expect(Object.keys(json)).toEqual(['class', '__proto__', 'toString', 'F', 'meta', 'Model', 'prototype']);
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    const text = JSON.stringify(json);
    expect(text).toContain('"__proto__":{"gamma"');
    const other = mod.createModel({ seed: 4 });
    other.loadJSON(JSON.parse(text));
    expect(other.toJSON()).toEqual(json);
    expect(() => m.activation('valueOf ')).toThrow('no layer named "valueOf "');
    expect(() => m.grad('__proto__', '__proto__')).toThrow('layer "__proto__" has no gradient "__proto__"');
  });

  it('a name that is not a .cnn name is refused instead of being pasted into code', () => {
    const evil = 'x"); globalThis.pwned = 1; ("';
    const net = buildNetwork({ name: 'n', batch: 1, input: [1, 1, 1], layers: [{ op: 'relu', name: evil }] });
    expect(() => compileNetwork(net)).toThrow('is not a valid .cnn name');
    const net2 = buildNetwork({ name: 'a/../b', batch: 1, input: [1, 1, 1], layers: [{ op: 'relu' }] });
    expect(() => compileNetwork(net2)).toThrow('network name "a/../b" is not a valid .cnn name');
    expect(() => kernelName('ok', 'Bad_role')).toThrow();
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('the model file name cannot end the header comment', () => {
    const net = buildNetwork({ name: 'n', batch: 1, input: [1, 1, 1], layers: [{ op: 'relu' }] });
    const compiled = compileNetwork(net, { source: '/x/a\nglobalThis.pwned = 1;\u2028.cnn' });
    for (const text of [compiled.ts, compiled.js, compiled.dts, compiled.test]) {
      expect(text).not.toContain('\nglobalThis.pwned');
      expect(text).toContain('a_globalThis.pwned___1__.cnn');
    }
  });

  it('string literals cannot be closed early', () => {
    for (const s of ['a"b', 'a\\', 'line\nbreak', 'sep\u2028x', '</script>']) {
      // eslint-disable-next-line no-new-func
      expect(new Function(`return ${str(s)};`)()).toBe(s);
      expect(str(s)).not.toMatch(/[\n\u2028\u2029]/);
    }
  });
});
