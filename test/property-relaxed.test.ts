// The relaxed-SIMD variant of the WebAssembly kernels (fused multiply-add), which a module
// picks at load time where the engine has relaxed SIMD: on by default in newer V8, behind
// --experimental-wasm-relaxed-simd on Node 20. This file's process (vitest runs each test
// file in a process of its own) turns the flag on, so the modules it loads choose that
// variant, and runs random networks against the interpreter as property-generated does.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import v8 from 'node:v8';
import { relaxedProbe } from '../src/wasm/module.js';
import { check, networkArb } from './helpers/property-network.js';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
// The module validates this very probe to choose its variant.
const relaxed = WebAssembly.validate(relaxedProbe());
if (!relaxed) console.warn('property-relaxed: this engine has no relaxed SIMD even with the flag; nothing to test here');

describe('relaxed-SIMD kernels agree with the interpreter on random networks', () => {
  it('the engine now validates relaxed SIMD', () => expect(relaxed).toBe(true));
  it.runIf(relaxed)('networks 1-100 (wasm target, relaxed variant)', () => {
    fc.assert(fc.property(networkArb.filter((r) => r.target === 'wasm'), (r) => check(r)), { numRuns: 100 });
  }, 180_000);
});
