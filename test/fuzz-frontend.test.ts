// Property tests of the front end: whatever the input, checkSource returns diagnostics
// (never throws), each located inside the file, and a model exactly when there is no error.
// 12,000 cases in all: random strings, token soups, and mutations of the valid models.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { checkSource } from '../src/frontend/index.js';
import type { CheckResult } from '../src/frontend/index.js';

const FIRST_LINE = /^m\.cnn:\d+:\d+: (error|warning): \S.* \[[EW]\d{3}\]$/;

/** Plain checks: vitest's expect is too slow to call a hundred thousand times. */
function ok(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}

/** The contract every run must keep, whatever the source. */
function checkContract(source: string, r: CheckResult): void {
  const lines = source.split(/\r\n|\r|\n/);
  for (const d of r.diagnostics) {
    const { line, column } = d.loc;
    ok(Number.isInteger(line) && line >= 1 && line <= lines.length, `line ${line} of ${lines.length}`);
    const len = lines[line - 1].length;
    ok(Number.isInteger(column) && column >= 1 && column <= len + 1, `column ${column} in a line of ${len}`);
  }
  const firsts = r.formatted === '' ? [] : r.formatted.split('\n').filter((l) => l.startsWith('m.cnn:'));
  ok(firsts.length === r.diagnostics.length, 'one first line per diagnostic');
  for (const f of firsts) ok(FIRST_LINE.test(f), `first line ${JSON.stringify(f)}`);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  ok((r.model === undefined) === (errors > 0), 'a model exactly when there is no error');
  for (const net of r.model?.networks ?? []) {
    for (const l of net.layers) {
      for (const n of [l.output.c, l.output.h, l.output.w]) ok(Number.isSafeInteger(n) && n >= 1, `${l.name} has size ${n}`);
    }
  }
}

const run = (source: string) => checkContract(source, checkSource(source, 'm.cnn'));

const valid = [
  ...readdirSync('examples').filter((f) => f.endsWith('.cnn')).map((f) => readFileSync(`examples/${f}`, 'utf8')),
  ...readdirSync('test/fixtures/spec').map((f) => readFileSync(`test/fixtures/spec/${f}`, 'utf8')),
];

const TOKENS = [
  'network', 'input', 'conv', 'bn', 'relu', 'pool', 'full', 'softmax', 'shape', 'batch', 'out', 'kernel', 'anchor',
  'eps', 'momentum', 'mode', 'size', 'stride', 'round', 'bias', 'position', 'channel', 'floor', 'ceil', 'true', 'false',
  'n', 'c1', 'class', 'kernal', '{', '}', '=', '(', ')', ',', '0', '1', '2', '3', '-1', '-7', '5x5', '1x28x28', '0x3',
  '2x3x4x5', '1e-5', '0.1', '1e999', '99999999999', '4294967296', '#c\n', '// c\n', 'x', '@', '"', '\t', '\r\n', '\n',
];
const SEP = fc.constantFrom(' ', '  ', '\n', '\t', '\r\n', '', '\r');

const NUMBERS = ['0', '-1', '-3', '99999999999', '1048577', '1e400', '0.5', '2147483648', '1x0', '0x0x0'];

/** Source → tokens and the whitespace between them, so mutations keep the layout. */
const pieces = (source: string): string[] => source.match(/\s+|[^\s]+/g) ?? [];

type Mutation =
  | { kind: 'delete' | 'duplicate' | 'swap'; at: number }
  | { kind: 'number'; at: number; value: string }
  | { kind: 'insert'; at: number; token: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), value: fc.constantFrom(...NUMBERS) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
);

function mutate(source: string, ms: Mutation[]): string {
  const p = pieces(source);
  for (const m of ms) {
    if (p.length === 0) break;
    const i = m.at % p.length;
    switch (m.kind) {
      case 'delete': p.splice(i, 1); break;
      case 'duplicate': p.splice(i, 0, p[i]); break;
      case 'swap': if (i + 1 < p.length) [p[i], p[i + 1]] = [p[i + 1], p[i]]; break;
      case 'insert': p.splice(i, 0, ` ${m.token} `); break;
      case 'number': {
        // Replace the i-th number (or the numbers inside a size) with the chosen value.
        const nums = p.map((s, k) => [s, k] as const).filter(([s]) => /\d/.test(s));
        if (nums.length === 0) break;
        const [s, k] = nums[m.at % nums.length];
        p[k] = s.replace(/-?\d+(\.\d+)?(e-?\d+)?/, m.value);
        break;
      }
    }
  }
  return p.join('');
}

describe('front end never throws, always locates (fast-check)', () => {
  it('random strings: 3,000 cases', () => {
    fc.assert(fc.property(fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.string({ unit: fc.constantFrom(...'network{}=(),x0123456789-.e #/\n\r\tabc'.split('')), maxLength: 300 }),
    ), run), { numRuns: 3000 });
  });

  it('random token soups: 3,000 cases', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...TOKENS), SEP), { maxLength: 80 }), (soup) => {
      run(soup.map(([t, s]) => t + s).join(''));
    }), { numRuns: 3000 });
  });

  it('token soups that start like a network: 1,000 cases', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), (soup) => {
      run(`network n {\n  input shape=1x8x8 batch=2\n${soup.join(' ')}\n}\n`);
    }), { numRuns: 1000 });
  });

  it('mutations of the valid models: 5,000 cases', () => {
    fc.assert(fc.property(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 4 }), (source, ms) => {
      run(mutate(source, ms));
    }), { numRuns: 5000 });
  });

  it('a statement dropped by syntax recovery leaves no half-checked model (found by the mutations)', () => {
    // `10out=10` is one malformed token; recovery drops the whole `full` line, so the
    // softmax after it would see a 64x4x4 input that nothing had reported.
    const source = 'network n {\n  input shape=64x4x4\n  full fc out=10out=10\n  softmax\n}\n';
    const r = checkSource(source, 'm.cnn');
    run(source);
    expect(r.model).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.loc.line}:${d.severity}`)).toContain('3:error');
  });

  it('the unmutated models pass (so the mutations start from valid ones)', () => {
    for (const source of valid) expect(checkSource(source, 'm.cnn').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
