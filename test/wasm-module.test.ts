// The WebAssembly module of whole networks (src/wasm/module.ts): every example's module
// validates, its WAT text assembles (wabt) to the same bytes, every kernel of the plan is
// exported, and every kernel argument lies inside the module's memory.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { loadModel } from '../src/frontend/index.js';
import { planNetwork } from '../src/lower/index.js';
import { buildWasmModule, relaxedProbe, simdProbe } from '../src/wasm/module.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.cnn')).sort();

describe('wasm module of every example', () => {
  for (const file of examples) {
    for (const net of loadModel(join('examples', file)).networks) {
      it(`${file} ${net.name}`, async () => {
        const plan = planNetwork(net, { dtype: 'f32' });
        for (const relaxed of [false, true]) {
          const m = buildWasmModule(plan, relaxed);
          // Relaxed SIMD is behind a flag on Node 20: that variant validates only where it is on
          // (the wabt comparison below checks its encoding everywhere).
          const valid = WebAssembly.validate(m.bytes);
          if (!relaxed || WebAssembly.validate(relaxedProbe())) {
            expect(valid).toBe(true);
            const exports = WebAssembly.Module.exports(new WebAssembly.Module(m.bytes)).map((e) => e.name);
            for (const k of plan.kernels) expect(exports).toContain(k.name);
          }
          for (const k of m.kernels) for (const a of k.args) expect(a.offset + 4 * a.elements).toBeLessThanOrEqual(m.pages * 65536);
          const wabt = await wabtInit();
          const mod = wabt.parseWat('m.wat', m.wat(), { simd: true, relaxed_simd: true });
          const bytes = mod.toBinary({}).buffer;
          mod.destroy();
          expect(Buffer.from(bytes).equals(Buffer.from(m.bytes))).toBe(true);
        }
      }, 60_000);
    }
  }
  it('the probes tell SIMD and relaxed SIMD apart', () => {
    expect(WebAssembly.validate(simdProbe())).toBe(true);
    // Relaxed SIMD is behind a flag on Node 20 and on by default in newer engines.
    expect(typeof WebAssembly.validate(relaxedProbe())).toBe('boolean');
  });
});

