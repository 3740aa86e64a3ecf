// Compiling the same model twice gives byte-identical files, whatever path the model was
// named by; nothing machine- or time-dependent gets into the output.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadModel } from '../src/frontend/index.js';
import { compileModel } from '../src/emit/index.js';

describe('deterministic output', () => {
  it('compile twice (relative and absolute model path, f32 and f64): identical bytes', () => {
    for (const dtype of ['f32', 'f64'] as const) {
      const a = compileModel(loadModel('examples/exotic.cnn'), { dtype });
      const b = compileModel(loadModel(resolve('examples/exotic.cnn')), { dtype });
      expect(a.length).toBe(1);
      for (const key of ['ts', 'js', 'dts', 'test'] as const) {
        expect(a[0][key] === b[0][key], `${dtype} ${key}`).toBe(true);
        expect(a[0][key]).not.toContain(process.cwd());
        expect(a[0][key]).not.toMatch(/20\d\d-\d\d-\d\d/);
      }
    }
  }, 120_000);

  it('f32 and f64 differ only where the float type is named (js target: f64 has no other)', () => {
    const [f32] = compileModel(loadModel('examples/exotic.cnn'), { dtype: 'f32', target: 'js' });
    const [f64] = compileModel(loadModel('examples/exotic.cnn'), { dtype: 'f64' });
    expect(f32.js).toContain('const F = Float32Array;');
    expect(f64.js).toContain('const F = Float64Array;');
    const strip = (s: string) => s.replace(/Float(32|64)Array| --dtype f64|f(32|64)/g, '');
    expect(strip(f32.js)).toBe(strip(f64.js));
  }, 120_000);
});
