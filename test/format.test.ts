// The canonical layout (src/format/, `cnnc fmt`): hand-written expected outputs, every
// example, and fast-check mutations of the examples. Each formatted text must format to
// itself, keep every comment in order, and check to the same model (same `summary --json`)
// or, for a model with errors, to the same diagnostic codes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { checkSource } from '../src/frontend/index.js';
import { summaryJson } from '../src/graph/summary.js';
import { formatSource } from '../src/format/index.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.cnn')).map((f) => ({ f, text: readFileSync(`examples/${f}`, 'utf8') }));

function formatted(text: string): string {
  const r = formatSource(text);
  if (!r.ok) throw new Error(`not formatted: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.text;
}

/** Comment texts in order, found independently of the formatter (by a line scan that knows no token but comments). */
function commentsOf(text: string): string[] {
  return [...text.matchAll(/(?:#|\/\/)[^\n\r]*/g)].map((m) => m[0].trimEnd());
}

/** What the checker makes of a text: the summary when it checks, else the sorted codes. */
function meaning(text: string): unknown {
  const r = checkSource(text, 'm.cnn');
  return r.model ? summaryJson(r.model) : r.diagnostics.map((d) => d.code).sort();
}

describe('cnnc fmt layout', () => {
  it('lenet: ops padded to 6 columns, end-of-line comments aligned two spaces after the longest commented line', () => {
    const lenet = examples.find((e) => e.f === 'lenet.cnn')!.text;
    expect(formatted(lenet)).toBe([
      '# LeNet-5 with size-preserving convolutions, as in the course notes',
      'network lenet {',
      '  input  shape=1x28x28 batch=32  # channels x height x width; mini-batch size T',
      '  conv   c1 out=6 kernel=5x5     # anchor defaults to the centre, (2,2)',
      '  relu',
      '  pool   p1 size=2x2 stride=2x2',
      '  conv   c2 out=16 kernel=5x6 anchor=(2,1)',
      '  bn     n2',
      '  relu',
      '  pool   p2 size=2x2 stride=2',
      '  full   f1 out=120',
      '  relu',
      '  full   f2 out=10',
      '  softmax',
      '}',
      '',
    ].join('\n'));
  });

  it('one statement per line, pairs without spaces, blank lines kept once, comments moved out of split statements', () => {
    const messy = '\uFEFF# top\n\n\n// second\nnetwork a # h\n {   input shape=1x8x8 # i\n conv c out=2 # mid\n kernel=3 anchor=( 1 , -1 )\n\n\n'
      + ' relu relu softmax\n # before close\n\n } # after\r\nnetwork b{input shape=1x1x1 full out=2 softmax}\n# end\n\n#end2';
    expect(formatted(messy)).toBe([
      '# top',
      '',
      '// second',
      '# h',
      'network a {',
      '  input  shape=1x8x8  # i',
      '  # mid',
      '  conv   c out=2 kernel=3 anchor=(1,-1)',
      '',
      '  relu',
      '  relu',
      '  softmax',
      '  # before close',
      '}  # after',
      '',
      'network b {',
      '  input  shape=1x1x1',
      '  full   out=2',
      '  softmax',
      '}',
      '',
      '# end',
      '',
      '#end2',
      '',
    ].join('\n'));
  });

  it('a text with syntax errors is not formatted; one with model errors is', () => {
    const bad = formatSource('network a {\n  input shape=1x8x8\n  conv c out=\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics.map((d) => d.code)).toContain('E003');
    expect(formatted('network a{input shape=1x8x8 convv c kernal=3}')).toBe('network a {\n  input  shape=1x8x8\n  convv  c kernal=3\n}\n');
    expect(formatted('')).toBe('');
    expect(formatted('# only a comment')).toBe('# only a comment\n');
  });

  for (const { f, text } of examples) {
    it(`${f}: idempotent, same comments, same model`, () => {
      const once = formatted(text);
      expect(formatted(once)).toBe(once);
      expect(commentsOf(once)).toEqual(commentsOf(text));
      expect(meaning(once)).toEqual(meaning(text));
      expect(checkSource(once, f).model).toBeDefined();
    });
  }
});

// Mutations that change the layout (whitespace, line breaks, comments) and some that
// change the model (a line deleted, duplicated or moved).
type Mutation =
  | { kind: 'space'; at: number; sep: string }
  | { kind: 'comment'; at: number; text: string }
  | { kind: 'deleteLine' | 'duplicateLine' | 'swapLines'; at: number };

const SEP = fc.constantFrom(' ', '   ', '\n', '\t', '\r\n', '\n\n\n', ' \n ', '\n  \t\n');
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('space' as const), at: fc.nat(), sep: SEP }),
  fc.record({ kind: fc.constant('comment' as const), at: fc.nat(), text: fc.constantFrom('# a note', '// x=1 {', '#', '# (2,2) }') }),
  fc.record({ kind: fc.constantFrom('deleteLine' as const, 'duplicateLine' as const, 'swapLines' as const), at: fc.nat() }),
);

function mutate(source: string, ms: Mutation[]): string {
  let text = source;
  for (const m of ms) {
    if (m.kind === 'space' || m.kind === 'comment') {
      // Whitespace runs not inside a comment (a comment runs to the end of its line).
      const spots = [...text.matchAll(/[ \t\r\n]+/g)].filter((s) => {
        const lineStart = text.lastIndexOf('\n', s.index) + 1;
        return !/#|\/\//.test(text.slice(lineStart, s.index));
      });
      if (spots.length === 0) continue;
      const s = spots[m.at % spots.length];
      const put = m.kind === 'space' ? m.sep : ` ${m.text}\n`;
      text = text.slice(0, s.index) + put + text.slice(s.index + s[0].length);
    } else {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.kind === 'deleteLine') lines.splice(i, 1);
      else if (m.kind === 'duplicateLine') lines.splice(i, 0, lines[i]);
      else if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
      text = lines.join('\n');
    }
  }
  return text;
}

describe('cnnc fmt on mutated examples (fast-check)', () => {
  it('formats to itself, keeps comments, and checks to the same model', () => {
    let formattedCount = 0;
    let total = 0;
    fc.assert(fc.property(fc.constantFrom(...examples.map((e) => e.text)), fc.array(mutation, { minLength: 1, maxLength: 6 }), (source, ms) => {
      const text = mutate(source, ms);
      total += 1;
      const r = formatSource(text);
      if (!r.ok) {
        // Not formatted only for lexical or syntax errors.
        expect(r.diagnostics.every((d) => ['E001', 'E002', 'E003'].includes(d.code))).toBe(true);
        return;
      }
      formattedCount += 1;
      const again = formatSource(r.text);
      expect(again.ok && again.text).toBe(r.text);
      expect(commentsOf(r.text)).toEqual(commentsOf(text));
      expect(meaning(r.text)).toEqual(meaning(text));
    }), { numRuns: 600, seed: 15 });
    // Most mutations keep the syntax: the property is not vacuous.
    expect(formattedCount).toBeGreaterThan(total / 2);
  });
});
