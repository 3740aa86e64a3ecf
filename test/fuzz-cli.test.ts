// Issue 12: a fuzz test of the commands that read data files. fast-check mutates weights
// (JSON text and .bin bytes), inputs, labels and IDX files (bytes, sizes, element types,
// special numbers, gzip, cut gzip, gzip bombs), and drives `cnnc run` (both engines, with
// --trace) and `cnnc eval --limit 8` in process. Whatever the file, the command must:
//   - exit 0, 1 or 2 (never 70, an internal error),
//   - print no stack trace, and a bounded message,
//   - write no non-finite number (a trace holds only finite numbers; nothing prints NaN),
//   - leave no temporary file behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { loadModel } from '../src/frontend/index.js';
import { initWeights } from '../src/model/init.js';
import { encodeWeightsBinary, weightsToJson } from '../src/weights/index.js';
import { u8Idx } from './helpers/idx-bytes.js';

const root = mkdtempSync(join(tmpdir(), 'cnnc-fuzz-'));

async function cnnc(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

// The model: batch 4, 1x6x6 images, conv + bn + relu + pool + full + softmax, 3 classes.
const model = join(root, 'fuzz.cnn');
writeFileSync(
  model,
  'network fuzz {\n  input shape=1x6x6 batch=4\n  conv c1 out=2 kernel=3x3\n  bn n1\n  relu\n  pool p1 size=2x2\n  full f1 out=3 bias=true\n  softmax\n}\n',
);
const net = loadModel(model).networks[0]!;
const weights = initWeights(net, 7);
const base = {
  json: `${JSON.stringify(weightsToJson(net, weights))}\n`,
  bin: encodeWeightsBinary(net, weights),
  input: JSON.stringify(Array.from({ length: 4 * 36 }, (_, k) => Math.round(1000 * Math.sin(k)) / 1000)),
  labels: JSON.stringify([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0]),
  images: u8Idx([10, 6, 6], Array.from({ length: 360 }, (_, k) => (k * 29) % 256)),
  idxLabels: u8Idx([10], [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]),
};

// ---- mutations ----
const specials = [NaN, Infinity, -Infinity, 1e39, -1e39, 3.4028234663852886e38, -0.5, 0, -0, 5e-324, 2 ** 31, 1e300];
const tokens = ['1e999', '-1e999', '1e39', '-1e39', '3.5e38', 'null', '"x"', '[]', '{}', '-0.5', 'NaN', '', '1,2', 'true'];
const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'c1', 'n1', 'f1', 'w', 'b', 'runningVar', ''];

type TextMutation =
  | { kind: 'number'; at: number; token: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'drop'; at: number }
  | { kind: 'key'; at: number; name: string };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), token: fc.constantFrom(...tokens) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(',', ']', '}', '"', '\u0000')) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('key' as const), at: fc.nat(), name: fc.constantFrom(...names) }),
);

function mutateText(text: string, m: TextMutation): string {
  const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g)];
  const keys = [...text.matchAll(/"[^"]*":/g)];
  switch (m.kind) {
    case 'number': {
      if (!numbers.length) return text;
      const n = numbers[m.at % numbers.length]!;
      return text.slice(0, n.index) + m.token + text.slice(n.index + n[0].length);
    }
    case 'drop': {
      // Removes one number and the comma after it: an array one shorter.
      if (!numbers.length) return text;
      const n = numbers[m.at % numbers.length]!;
      const end = n.index + n[0].length;
      return text.slice(0, n.index) + text.slice(text[end] === ',' ? end + 1 : end);
    }
    case 'key': {
      if (!keys.length) return text;
      const k = keys[m.at % keys.length]!;
      return `${text.slice(0, k.index)}${JSON.stringify(m.name)}:${text.slice(k.index + k[0].length)}`;
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
  }
}

type ByteMutation =
  | { kind: 'float'; at: number; value: number }
  | { kind: 'u32'; at: number; value: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: number[] };

const u32 = fc.oneof(fc.constantFrom(0, 1, 2, 3, 255, 0x7fffffff, 0xffffffff, 0x10000), fc.nat({ max: 0xffffffff }));
const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('float' as const), at: fc.nat(), value: fc.constantFrom(...specials) }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat({ max: 40 }), value: u32 }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 8 }) }),
);

/** `little`: the weights binary (little-endian); else IDX (big-endian). `valuesAt`: where the numbers start. */
function mutateBytes(input: Uint8Array, m: ByteMutation, little: boolean, valuesAt: number, width: 4 | 8 = 4): Uint8Array {
  const bytes = input.slice();
  const view = new DataView(bytes.buffer);
  switch (m.kind) {
    case 'float': {
      const count = Math.floor((bytes.length - valuesAt) / width);
      if (count <= 0) return bytes;
      const at = valuesAt + width * (m.at % count);
      if (width === 4) view.setFloat32(at, m.value, little);
      else view.setFloat64(at, m.value, little);
      return bytes;
    }
    case 'u32':
      if (m.at + 4 <= bytes.length) view.setUint32(m.at - (m.at % 4), m.value, little);
      return bytes;
    case 'flip':
      if (bytes.length) bytes[m.at % bytes.length]! ^= 1 << m.bit;
      return bytes;
    case 'truncate':
      return bytes.subarray(0, m.at % (bytes.length + 1));
    case 'append':
      return Uint8Array.from([...bytes, ...m.bytes]);
  }
}

/** How an IDX file is packed after its byte mutations. */
type Packing = 'plain' | 'gzip' | 'cut-gzip' | 'bomb';

function pack(bytes: Uint8Array, p: Packing, cut: number): { bytes: Uint8Array; gz: boolean } {
  if (p === 'plain') return { bytes, gz: false };
  if (p === 'bomb') return { bytes: gzipSync(Buffer.concat([Buffer.from(bytes), Buffer.alloc(4 << 20)])), gz: true };
  const gz = gzipSync(bytes);
  return { bytes: p === 'gzip' ? gz : gz.subarray(0, cut % gz.length), gz: true };
}

/** f32 images carrying the u8 pixels as numbers (for float mutations). */
function f32Images(): Uint8Array {
  const header = base.images.subarray(0, 16).slice();
  header[2] = 0x0d;
  const body = new Uint8Array(360 * 4);
  const view = new DataView(body.buffer);
  for (let i = 0; i < 360; i++) view.setFloat32(4 * i, base.images[16 + i]! / 255, false);
  return Uint8Array.from([...header, ...body]);
}

type Case =
  | { target: 'weights-json'; command: 'run' | 'eval'; engine: 'interpreter' | 'generated'; text: TextMutation[] }
  | { target: 'weights-bin'; command: 'run' | 'eval'; engine: 'interpreter' | 'generated'; bytes: ByteMutation[] }
  | { target: 'input' | 'labels'; engine: 'interpreter' | 'generated'; text: TextMutation[] }
  | { target: 'images' | 'idx-labels'; float: boolean; bytes: ByteMutation[]; packing: Packing; cut: number };

const engine = fc.constantFrom('interpreter' as const, 'generated' as const);
const few = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 3 });
const caseArb: fc.Arbitrary<Case> = fc.oneof(
  fc.record({ target: fc.constant('weights-json' as const), command: fc.constantFrom('run' as const, 'eval' as const), engine, text: few(textMutation) }),
  fc.record({ target: fc.constant('weights-bin' as const), command: fc.constantFrom('run' as const, 'eval' as const), engine, bytes: few(byteMutation) }),
  fc.record({ target: fc.constantFrom('input' as const, 'labels' as const), engine, text: few(textMutation) }),
  fc.record({
    target: fc.constantFrom('images' as const, 'idx-labels' as const),
    float: fc.boolean(),
    bytes: fc.array(byteMutation, { maxLength: 3 }),
    packing: fc.constantFrom<Packing>('plain', 'plain', 'gzip', 'cut-gzip', 'bomb'),
    cut: fc.nat(),
  }),
);

const valuesOffset = 12 + Math.ceil(net.name.length / 4) * 4 + 4 + 4 * net.layers.reduce((a, l) => a + l.params.length, 0);

/** Every file of the case written into `dir`; the command line to run. */
function prepare(c: Case, dir: string): string[] {
  const file = (name: string, data: string | Uint8Array): string => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  const data = join(dir, 'data');
  mkdirSync(data);
  let images: Uint8Array = base.images;
  let idxLabels: Uint8Array = base.idxLabels;
  let imagesName = 't10k-images-idx3-ubyte';
  let labelsName = 't10k-labels-idx1-ubyte';
  if (c.target === 'images' || c.target === 'idx-labels') {
    const original = c.target === 'images' ? (c.float ? f32Images() : base.images) : base.idxLabels;
    const headerBytes = 4 + 4 * original[3]!;
    const mutated = c.bytes.reduce((b, m) => mutateBytes(b, m, false, headerBytes), original);
    const packed = pack(mutated, c.packing, c.cut);
    if (c.target === 'images') {
      images = packed.bytes;
      if (packed.gz) imagesName += '.gz';
    } else {
      idxLabels = packed.bytes;
      if (packed.gz) labelsName += '.gz';
    }
  }
  writeFileSync(join(data, imagesName), images);
  writeFileSync(join(data, labelsName), idxLabels);

  let weightsFile = file('w.bin', base.bin);
  if (c.target === 'weights-json') weightsFile = file('w.json', c.text.reduce(mutateText, base.json));
  if (c.target === 'weights-bin') weightsFile = file('w.bin', c.bytes.reduce((b, m) => mutateBytes(b, m, true, valuesOffset), base.bin));
  if (c.target === 'images' || c.target === 'idx-labels' || ((c.target === 'weights-json' || c.target === 'weights-bin') && c.command === 'eval')) {
    return ['eval', model, '--weights', weightsFile, '--data', data, '--limit', '8'];
  }
  const input = file('x.json', c.target === 'input' ? c.text.reduce(mutateText, base.input) : base.input);
  const labels = file('z.json', c.target === 'labels' ? c.text.reduce(mutateText, base.labels) : base.labels);
  return ['run', model, '--engine', 'engine' in c ? c.engine : 'interpreter', '--weights', weightsFile, '--input', input, '--labels', labels, '--trace', join(dir, 'trace.json')];
}

/** Every number in a parsed trace is finite, and no array of numbers holds null (JSON's NaN). */
function finiteTrace(value: unknown, path = 'trace'): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} is ${value}`;
  if (value === null) return path === 'trace.loss' ? null : `${path} is null`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = finiteTrace(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (v === null && (k === 'sensitivity' || k === 'inputSensitivity')) continue; // no backward pass there
      const bad = finiteTrace(v, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

/** Files cnnc's atomic writes stage under a temporary name (`.NAME.PID.TIME.tmp`) or any `.tmp`. */
function temporaries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp$|(^|\/)\.[^/]*\.\d+\.\d+/.test(f));
}

describe('fuzz: run and eval on mutated weights, inputs, labels and IDX files', () => {
  it('exit 0, 1 or 2; no stack trace; a bounded message; no non-finite number written; no temporary file left', async () => {
    let index = 0;
    const seen = { exit: new Map<number, number>() };
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dir = join(root, `case${index++}`);
        mkdirSync(dir);
        const args = prepare(c, dir);
        const r = await cnnc(args);
        seen.exit.set(r.code, (seen.exit.get(r.code) ?? 0) + 1);
        const context = `${args.join(' ')}\n${r.err}`;
        expect([0, 1, 2], context).toContain(r.code);
        expect(r.err, context).not.toMatch(/internal error|^\s+at \S/m);
        expect(r.err.length, context).toBeLessThan(4000);
        expect(r.out, context).not.toMatch(/NaN|Infinity/);
        const trace = join(dir, 'trace.json');
        if (r.code === 0 && args[0] === 'run') {
          expect(existsSync(trace), context).toBe(true);
          expect(finiteTrace(JSON.parse(readFileSync(trace, 'utf8'))), context).toBeNull();
        }
        if (r.code !== 0) expect(existsSync(trace), context).toBe(false);
        expect(temporaries(dir), context).toEqual([]);
      }),
      { numRuns: 400 },
    );
    // The fuzzing reached both outcomes: files that pass and files that are refused.
    expect(seen.exit.get(0) ?? 0).toBeGreaterThan(0);
    expect(seen.exit.get(1) ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
