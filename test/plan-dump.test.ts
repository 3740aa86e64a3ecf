// `cnnc build --dump plan` prints exactly the plan the emitters print the files from: the
// dumped JSON, parsed and handed to emitNetwork, gives the same bytes as a normal build. The
// buffer table of the plan is checked against the arrays of the generated module itself.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { emitNetwork } from '../src/emit/index.js';
import { checkSource } from '../src/frontend/index.js';
import { findBuffer, planNetwork } from '../src/lower/index.js';
import { buildWasmModule } from '../src/wasm/module.js';
import type { NetworkPlan } from '../src/lower/types.js';
import { loadModule } from './helpers/load-module.js';

let dir: string;
let out: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnnc-plan-'));
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function dumpPlans(args: string[], flag: string[] = ['--dump', 'plan']): Promise<NetworkPlan[]> {
  out = [];
  expect(await main([...args, ...flag])).toBe(0);
  return JSON.parse(out.join('')) as NetworkPlan[];
}

const cases: [string, string[]][] = [
  ['examples/lenet.cnn', []],
  ['examples/lenet.cnn', ['--target', 'js']],
  ['examples/exotic.cnn', []],
  ['examples/exotic.cnn', ['--dtype', 'f64', '--conv-schedule', 'split']],
  ['examples/vgg.cnn', ['--conv-schedule', 'split']],
];

describe('cnnc build --dump plan', () => {
  it.each(cases)('%s %j: emitting the dumped plan gives the bytes of the build', async (file, opts) => {
    const plans = await dumpPlans([file, '-o', join(dir, 'never'), ...opts]);
    expect(readdirSync(dir)).toEqual([]);
    expect(await main([file, '-o', join(dir, 'built'), ...opts])).toBe(0);
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      const files = emitNetwork(plan);
      for (const ext of ['ts', 'js', 'd.ts', 'test.ts'] as const) {
        const text = { ts: files.ts, js: files.js, 'd.ts': files.dts, 'test.ts': files.test }[ext];
        expect(text === readFileSync(join(dir, 'built', `${files.stem}.${ext}`), 'utf8'), `${files.stem}.${ext}`).toBe(true);
      }
    }
  }, 120_000);

  it('--dump-plan is the same dump', async () => {
    const a = await dumpPlans(['examples/lenet.cnn']);
    const b = await dumpPlans(['examples/lenet.cnn'], ['--dump-plan']);
    expect(b).toEqual(a);
  }, 60_000);

  it('refuses an unknown dump', async () => {
    expect(await main(['examples/lenet.cnn', '--dump', 'kernels'])).toBe(2);
  }, 60_000);
});

describe('the buffer table', () => {
  it.each(['examples/lenet.cnn', 'examples/exotic.cnn'])('%s: one aligned, guarded layout holding every array of the module', async (file) => {
    const [plan] = await dumpPlans([file]);
    const { buffers, index, align, guard, totalBytes } = plan.memory;
    expect(align).toBe(16);
    expect(guard).toBe(16);
    const size = { f32: 4, f64: 8, i32: 4 };
    buffers.forEach((b, id) => {
      expect(b.id).toBe(id);
      expect(index[`${b.kind}/${b.layer}/${b.key}`]).toBe(id);
      expect(b.offset % 16).toBe(0);
      expect(b.bytes).toBe(b.elements * size[b.type]);
      if (id > 0) expect(b.offset).toBeGreaterThanOrEqual(buffers[id - 1].offset + buffers[id - 1].bytes + 16);
    });
    const last = buffers[buffers.length - 1];
    expect(totalBytes).toBeGreaterThanOrEqual(last.offset + last.bytes + 16);
    expect(totalBytes % 16).toBe(0);

    // Against the generated module's own arrays (independent of the table).
    const mod = loadModule(emitNetwork(plan).js) as unknown as { createModel(): Record<string, (...a: string[]) => { length: number } | null> & { inputSensitivity: { length: number } } };
    const model = mod.createModel();
    const get = (kind: string, layer: number, key = '') => buffers[index[`${kind}/${layer}/${key}`]];
    expect(get('input', -1).elements).toBe(plan.inputSize);
    expect(get('inputSensitivity', -1).elements).toBe(model.inputSensitivity.length);
    expect(get('labels', -1).elements).toBe(plan.outputSize);
    for (const l of plan.checked.layers) {
      expect(get('activation', l.index).elements, l.name).toBe(model.activation(l.name)!.length);
      expect(get('sensitivity', l.index).elements, l.name).toBe(model.sensitivity(l.name)!.length);
      if (l.op === 'pool') expect(get('path', l.index)).toMatchObject({ type: 'i32', elements: model.path(l.name)!.length });
      for (const p of l.params) {
        expect(get('param', l.index, p.key).elements, `${l.name}.${p.key}`).toBe(model.param(l.name, p.key)!.length);
        if (p.learnable) {
          expect(get('grad', l.index, p.key).elements).toBe(model.grad(l.name, p.key)!.length);
          expect(get('momentum', l.index, p.key).elements).toBe(p.size);
        } else {
          expect(index[`grad/${l.index}/${p.key}`]).toBeUndefined();
        }
      }
      if (l.op === 'bn') {
        expect(get('cache', l.index, 'xhat').elements).toBe(plan.batch * l.input.c * l.input.h * l.input.w);
        expect(get('cache', l.index, 'invStd').elements).toBe(l.mode === 'channel' ? l.input.c : l.input.c * l.input.h * l.input.w);
      }
    }
    // One scratch map per padded conv kernel (one sample's map, zero-padded), referenced by the kernel.
    for (const k of plan.kernels) {
      if (k.kind !== 'conv-padded') { expect(k.scratch).toBeNull(); continue; }
      const s = buffers[k.scratch.buffer];
      expect(s).toMatchObject({ kind: 'scratch', layer: k.layer, key: k.role, elements: k.scratch.elements });
      expect(s.elements).toBe(k.conv.inC * (k.conv.H + k.conv.M - 1) * (k.conv.W + k.conv.N - 1));
    }
    // Target wasm (the default for f32): plus one scratch region shared by the wasm kernels, last, 64-byte aligned.
    expect(plan.target).toBe('wasm');
    const wasmScratch = plan.wasm!.scratch!;
    expect(wasmScratch).toBe(buffers.length - 1);
    expect(buffers[wasmScratch]).toMatchObject({ kind: 'scratch', layer: -1, key: 'wasm', type: 'f32' });
    expect(buffers[wasmScratch].offset % 64).toBe(0);
    expect(buffers[wasmScratch].bytes).toBe(Math.max(...plan.kernels.map((k) => k.wasm!.scratchBytes)));
    expect(buffers.filter((b) => b.kind === 'scratch')).toHaveLength(plan.kernels.filter((k) => k.kind === 'conv-padded').length + 1);
    // Every array parameter of every kernel is bound to a buffer of its type; flags to none.
    for (const k of plan.kernels) {
      for (const p of k.params) {
        if (p.type === 'boolean') { expect(p.buffer).toBeNull(); continue; }
        const b = buffers[index[p.buffer!]];
        expect(b, `${k.name} ${p.name}`).toBeDefined();
        expect(b.type === 'i32', `${k.name} ${p.name}`).toBe(p.type === 'Int32Array');
      }
    }
    const conv = plan.kernels.find((k) => k.role === 'grad' && k.layer === 0)!;
    expect(conv.params.map((p) => p.buffer)).toEqual(['sensitivity/0/', 'input/-1/', 'grad/0/w']);
  }, 60_000);
});

describe('the WebAssembly schedules in the plan', () => {
  it('LeNet: every wasm kernel carries its schedule per variant and its scratch bytes; js kernels none', async () => {
    const [plan] = await dumpPlans(['examples/lenet.cnn']);
    const [js] = await dumpPlans(['examples/lenet.cnn', '--target', 'js']);
    expect(js.wasm).toBeNull();
    for (const k of js.kernels) expect(k.wasm, k.name).toBeNull();
    expect(js.memory.index['scratch/-1/wasm']).toBeUndefined();
    const kinds = plan.kernels.map((k) => {
      expect(k.wasm, k.name).toBeTruthy();
      expect(k.wasm!.relaxed?.kind ?? null, k.name).toBe(k.wasm!.plain?.kind ?? null);
      return `${k.name}:${k.wasm!.plain?.kind ?? '-'}`;
    });
    expect(kinds.filter((s) => !s.endsWith(':-'))).toEqual([
      'c1_forward:conv-corr', 'c1_backward:conv-corr', 'c1_grad:conv-grad',
      'c2_forward:conv-corr', 'c2_backward:conv-corr', 'c2_grad:conv-grad',
      'f1_forward:full-forward', 'f1_backward:full-backward', 'f1_grad:full-grad',
      'f2_forward:full-forward', 'f2_backward:full-backward', 'f2_grad:full-grad',
    ]);
    // Scratch, worked by hand: zero-padded maps of (H + M − 1) rows × (⌈W/4⌉·4 + N − 1) columns, f32.
    // c1 (1→6, 28×28, 5×5): forward 1 map of 32×32, backward 6 maps, grad one channel of all 32 samples.
    // c2 (6→16, 14×14, 5×6): 18 rows × 21 columns; forward 6 maps, backward 16, grad 32.
    const scratch = Object.fromEntries(plan.kernels.filter((k) => k.wasm!.scratchBytes > 0).map((k) => [k.name, k.wasm!.scratchBytes]));
    expect(scratch).toEqual({
      c1_forward: 4096, c1_backward: 24576, c1_grad: 131072, c2_forward: 6 * 378 * 4, c2_backward: 16 * 378 * 4, c2_grad: 32 * 378 * 4,
    });
    const s = plan.memory.buffers[plan.wasm!.scratch!];
    expect(s.bytes).toBe(131072);
    // Pages: the layout through the scratch plus 64 bytes, in 64 KiB pages.
    expect(plan.wasm!.pages).toBe(Math.ceil((s.offset + s.bytes + 64) / 65536));
  }, 60_000);

  it('the wasm module prints the plan\'s schedule: a blocking changed in the dumped plan is the one printed', async () => {
    const [plan] = await dumpPlans(['examples/lenet.cnn']);
    const edited = JSON.parse(JSON.stringify(plan)) as NetworkPlan;
    const c1 = edited.kernels.find((k) => k.name === 'c1_forward')!;
    c1.wasm!.plain = { kind: 'conv-corr', kb: 1, ph: 1, pv: 1, tapLoop: true };
    const f1 = edited.kernels.find((k) => k.name === 'f1_grad')!;
    f1.wasm!.relaxed = { kind: 'full-grad', ob: 3, iv: 1, u: 2 };
    const schedule = (p: NetworkPlan, relaxed: boolean, name: string) => buildWasmModule(p, relaxed).kernels.find((k) => k.name === name)!.schedule;
    expect(schedule(edited, false, 'c1_forward')).toMatch(/register block 1 channel\(s\) x 1 row\(s\) x 1 f32x4 vector\(s\)/);
    expect(schedule(edited, true, 'f1_grad')).toMatch(/^3 outputs × 1 f32x4 vectors of dw .*×2 unrolled/);
    // Each variant prints its own: the other variant's kernels are the unedited plan's.
    expect(schedule(edited, true, 'c1_forward')).toBe(schedule(plan, true, 'c1_forward'));
    expect(schedule(edited, false, 'f1_grad')).toBe(schedule(plan, false, 'f1_grad'));
    expect(emitNetwork(edited).ts).toMatch(/\/\/ c1_forward: WebAssembly: forward: .*register block 1 channel\(s\) x 1 row\(s\) x 1 f32x4/);
    // A schedule of the wrong kind for the kernel is refused, with the kernel named.
    c1.wasm!.plain = { kind: 'full-forward', tb: 1, ob: 1, u: 1 };
    expect(() => emitNetwork(edited)).toThrow(/c1.*forward.*full-forward/);
  }, 60_000);
});

describe('the buffer layout, worked by hand', () => {
  it('input 1x2x2, batch 1, full out=2, softmax (f32 and f64)', () => {
    const net = checkSource('network t {\n  input shape=1x2x2 batch=1\n  full f out=2\n  softmax\n}\n', 't.cnn').model!.networks[0];
    // Each buffer starts at the next multiple of 16 after the previous one's end plus 16 guard bytes.
    const f32 = planNetwork(net).memory;
    expect(f32.buffers.map((b) => [b.name, b.type, b.elements, b.offset, b.bytes])).toEqual([
      ['input/-1/', 'f32', 4, 0, 16],
      ['inputSensitivity/-1/', 'f32', 4, 32, 16],
      ['activation/0/', 'f32', 2, 64, 8], // ends 72, guard to 88, next at 96
      ['sensitivity/0/', 'f32', 2, 96, 8],
      ['param/0/w', 'f32', 8, 128, 32],
      ['grad/0/w', 'f32', 8, 176, 32],
      ['momentum/0/w', 'f32', 8, 224, 32],
      ['activation/1/', 'f32', 2, 272, 8],
      ['sensitivity/1/', 'f32', 2, 304, 8],
      ['labels/-1/', 'f32', 2, 336, 8],
    ]);
    expect(f32.totalBytes).toBe(368); // 344 + 16 guard, rounded up to 16
    expect(findBuffer(f32, 'param', 0, 'w').offset).toBe(128);
    expect(() => findBuffer(f32, 'path', 0)).toThrow(/no buffer path\/0\//);
    const f64 = planNetwork(net, { dtype: 'f64' }).memory;
    expect(f64.buffers.map((b) => b.offset)).toEqual([0, 48, 96, 128, 160, 240, 320, 400, 432, 464]);
    expect(f64.totalBytes).toBe(496);
  });
});
