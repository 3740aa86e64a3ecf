// The WebAssembly SIMD roofline's kernels do the work they are counted for: the value each
// returns is recomputed here in plain JS from the data and weights it is built with
// (x_j = j/256, weights k: (1/2 + k/64, 1/2 - k/64, 1/4 + k/64, 3/4 - k/64) by lane), so a
// kernel that skipped loads or multiply-adds would return another number. No timing assertion.
import { describe, expect, it } from 'vitest';
import { measureWasmRoofline, wasmRooflineModule, wasmSimdSupport } from '../src/bench/roofline.js';

function expected(outs: number, reps: number): number {
  let sum = 0;
  for (let k = 0; k < outs; k++) {
    const w = [0.5 + k / 64, 0.5 - k / 64, 0.25 + k / 64, 0.75 - k / 64];
    for (let j = 0; j < 1024; j++) sum += (j / 256) * w[j % 4];
  }
  return reps * sum;
}

const run = (bytes: Uint8Array<ArrayBuffer>) => (new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as { run: (reps: number) => number }).run;

describe('WebAssembly SIMD roofline', () => {
  it('mul+add kernels compute Σ reps·x·w over every vector and accumulator', () => {
    for (const outs of [1, 3, 8]) {
      const got = run(wasmRooflineModule(outs, false))(3);
      expect(Math.abs(got - expected(outs, 3)) / expected(outs, 3)).toBeLessThan(1e-5);
    }
  });

  it('the relaxed form validates only where the engine has relaxed SIMD, and then agrees', () => {
    const { simd, relaxed } = wasmSimdSupport();
    expect(simd).toBe(true); // Node 20 has WebAssembly SIMD
    expect(WebAssembly.validate(wasmRooflineModule(4, true))).toBe(relaxed);
    if (relaxed) expect(Math.abs(run(wasmRooflineModule(4, true))(2) - expected(4, 2)) / expected(4, 2)).toBeLessThan(1e-5);
    const r = measureWasmRoofline(5);
    expect(r.relaxedAvailable).toBe(relaxed);
    expect(r.relaxed === null).toBe(!relaxed);
    expect(r.variants.map((v) => v.name)).toContain('1 f32x4 load → 4 mul+add (weights in locals)');
    expect(r.variants).toHaveLength(relaxed ? 8 : 4);
  });
});
