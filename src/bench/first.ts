// Time to first result: how long a fresh module takes from its import to the first finished
// inference pass (or training step), and how the following calls speed up to the steady
// state. Each measurement runs in a new Node process that imports the module file as a user
// would: in one process V8 shares compiled WebAssembly code between modules of identical
// bytes, and JIT state would carry over, so a fresh import there would not be fresh.
//
// V8 compiles WebAssembly lazily: each function is first compiled by its baseline compiler
// (Liftoff) when first called and tiered up to TurboFan once it has run for a while, so the
// first calls of a wasm module run baseline code; JS functions likewise start interpreted
// (Ignition) and are optimised later. Hence the first call, the second, and the steady state.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckedNetwork } from '../model/checked.js';

export type Target = 'wasm' | 'js';

export interface FirstResult {
  target: Target;
  task: 'infer' | 'train';
  /** import() of the module file (parsing, top-level code). */
  importMs: number;
  /** createModel(): compiling and instantiating the WebAssembly module, allocating, initial weights. */
  createMs: number;
  /** The first call (forward, or forward + backward + step). */
  firstMs: number;
  /** From the start of the import to the end of the first call: the time to first result. */
  toFirstMs: number;
  secondMs: number;
  /** Median of the last fifth of the calls (the budget's worth, and at least 10 calls unless that takes 8 budgets): the steady state. */
  steadyMs: number;
  /** Time from the start of the import until a call first ran within 1.25× of the steady state, and how many calls that took. */
  steadyAfterMs: number;
  steadyAfterCalls: number;
  /** Calls made in all. */
  calls: number;
}

// The child: imports the module, times createModel and every call for `budget` ms, prints JSON.
const child = String.raw`
const [url, task, budget] = process.argv.slice(1);
const now = () => performance.now();
const t0 = now();
const mod = await import(url);
const t1 = now();
const m = mod.createModel({ seed: 0 });
const t2 = now();
const { batch, input, output, endsWithSoftmax } = mod.meta;
const x = new Float32Array(batch * input[0] * input[1] * input[2]);
let s = 1234;
const next = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 4294967296; };
for (let i = 0; i < x.length; i++) x[i] = 2 * next() - 1;
const K = output[0] * output[1] * output[2];
const z = new Float32Array(batch * K);
for (let t = 0; t < batch; t++) {
  if (endsWithSoftmax) z[t * K + Math.floor(next() * K)] = 1;
  else for (let k = 0; k < K; k++) z[t * K + k] = 2 * next() - 1;
}
const call = task === 'infer'
  ? () => m.forward(x, { training: false })
  : () => { m.forward(x, { training: true }); if (endsWithSoftmax) m.backward(z); else m.backwardFrom(z); m.step({ lr: 1e-4 }); };
const times = [];
const t3 = now();
// At least 10 calls (slow networks), at most 8 budgets of time.
do { const a = now(); call(); times.push(now() - a); } while ((now() - t3 < Number(budget) || times.length < 10) && now() - t3 < 8 * Number(budget) && times.length < 100000);
const tail = times.slice(Math.floor(times.length * 0.8)).sort((a, b) => a - b);
const steady = tail[tail.length >> 1];
let i = 0, at = t3;
while (i < times.length - 1 && times[i] > 1.25 * steady) at += times[i++];
console.log(JSON.stringify({ importMs: t1 - t0, createMs: t2 - t1, firstMs: times[0], toFirstMs: t3 + times[0] - t0,
  secondMs: times.length > 1 ? times[1] : NaN, steadyMs: steady, steadyAfterMs: at + times[i] - t0, steadyAfterCalls: i + 1, calls: times.length }));
`;

/**
 * Writes each target's module (`js`: the module's source, as `cnnc build` writes it) to a
 * temporary folder and measures each task in a process of its own, for `budgetMs` of calls.
 */
export function measureFirstResults(net: CheckedNetwork, modules: { target: Target; js: string }[], budgetMs = 1500): FirstResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'cnnc-first-'));
  try {
    const out: FirstResult[] = [];
    for (const { target, js } of modules) {
      const file = join(dir, `${net.name}.${target}.mjs`);
      writeFileSync(file, js);
      for (const task of ['infer', 'train'] as const) {
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', child, pathToFileURL(file).href, task, String(budgetMs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`time to first result, ${target} ${task}: the measuring process failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(0, 4).join('\n')}`);
        out.push({ target, task, ...(JSON.parse(r.stdout) as Omit<FirstResult, 'target' | 'task'>) });
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
