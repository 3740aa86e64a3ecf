// What the WebAssembly runtime of a generated module says where the engine falls short
// (checked with stand-ins for the WebAssembly API in a bare V8 context): no WebAssembly, no
// SIMD, and a browser main thread that refuses to compile big modules synchronously. And
// that createModelAsync gives a working model where sync compiling is refused.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const js = readFileSync('generated/exotic.js', 'utf8');

/** The module as a script in a fresh context whose global WebAssembly is `wasm`. */
function load(wasm: unknown): Record<string, (...a: unknown[]) => unknown> {
  const names: string[] = [];
  const body = js.replace(/^export (async function|function|class|const) ([A-Za-z_$][\w$]*)/gm, (_m, kw: string, name: string) => {
    names.push(name);
    return `${kw} ${name}`;
  });
  const context = vm.createContext(wasm === undefined ? {} : { WebAssembly: wasm });
  if (wasm === undefined) vm.runInContext('delete globalThis.WebAssembly', context);
  return vm.runInContext(`"use strict";\n(() => {\n${body}\nreturn { ${names.join(', ')} };\n})()`, context);
}

describe('wasm runtime of a generated module', () => {
  it('no WebAssembly at all: says so and names --target js', () => {
    expect(() => load(undefined).createModel()).toThrow(/exotic: this JavaScript engine has no WebAssembly; build the model with `cnnc build --target js` instead/);
  });

  it('WebAssembly without SIMD: says so and names --target js', () => {
    const noSimd = { ...WebAssembly, validate: () => false };
    expect(() => load(noSimd).createModel()).toThrow(/no WebAssembly SIMD \(128-bit\); build the model with `cnnc build --target js` instead/);
  });

  it('sync compiling refused (a browser main thread): names createModelAsync, which works', async () => {
    // Chromium throws a RangeError for `new WebAssembly.Module` of a big module on the main thread.
    const mainThread = {
      validate: WebAssembly.validate, compile: WebAssembly.compile, Instance: WebAssembly.Instance,
      Module: function Module() { throw new RangeError('WebAssembly.Module(): Buffer size exceeds the limit'); },
    };
    const mod = load(mainThread);
    expect(() => mod.createModel()).toThrow(/too large to compile synchronously here .*use `await createModelAsync\(\)`, or run the model in a worker/);
    const model = await mod.createModelAsync({ seed: 1 }) as { forward(x: ArrayLike<number>, o?: object): Float32Array };
    const meta = mod.meta as unknown as { batch: number; input: number[]; output: number[] };
    const n = meta.batch * meta.input.reduce((a, b) => a * b);
    const y = model.forward(new Float32Array(n).fill(0.5), { training: false });
    expect(y.length).toBe(meta.batch * meta.output.reduce((a, b) => a * b));
    for (const v of y) expect(Number.isFinite(v)).toBe(true);
    // Compiled once: a second model needs no compiling, so createModel now works too.
    expect(() => mod.createModel()).not.toThrow();
  });

  it('the kernels a module carries decode to valid WebAssembly (both variants)', () => {
    const [plain, relaxed] = [...js.matchAll(/^const \$WASM_(PLAIN|RELAXED) = '([A-Za-z0-9+/=]*)';$/gm)].map((m) => Buffer.from(m[2], 'base64'));
    expect(WebAssembly.validate(plain)).toBe(true);
    expect(relaxed.length).toBeGreaterThan(0);
    expect(relaxed.equals(plain)).toBe(false);
  });
});
