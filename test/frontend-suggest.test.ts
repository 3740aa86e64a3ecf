// "Did you mean": edit distances worked by hand, and the catalog is fully tested.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { closest, editDistance } from '../src/diagnostics/suggest.js';
import { CODES } from '../src/diagnostics/codes.js';

describe('did you mean', () => {
  it('edit distance counts insertions, deletions, substitutions and transpositions as one', () => {
    expect(editDistance('kernal', 'kernel')).toBe(1); // a → e
    expect(editDistance('kenrel', 'kernel')).toBe(1); // nr ↔ rn
    expect(editDistance('strid', 'stride')).toBe(1); // + e
    expect(editDistance('convv', 'conv')).toBe(1); // - v
    expect(editDistance('pool', 'full')).toBe(3); // p→f, o→u, o→l
    expect(editDistance('', 'bn')).toBe(2);
  });

  it('suggests only plausible typos, ignoring case', () => {
    const keys = ['out', 'kernel', 'anchor'];
    expect(closest('kernal', keys)).toBe('kernel');
    expect(closest('Kernel', keys)).toBe('kernel');
    expect(closest('anchr', keys)).toBe('anchor');
    expect(closest('stride', keys)).toBeUndefined();
    expect(closest('ReLU', ['conv', 'bn', 'relu', 'pool', 'full', 'softmax'])).toBe('relu');
    expect(closest('dropout', ['conv', 'bn', 'relu', 'pool', 'full', 'softmax'])).toBeUndefined();
  });
});

describe('the diagnostic catalog', () => {
  it('every code has an exact first-line test in check-diagnostics.test.ts', () => {
    const tests = readFileSync('test/check-diagnostics.test.ts', 'utf8');
    const untested = Object.keys(CODES).filter((code) => !tests.includes(`[${code}]`));
    expect(untested).toEqual([]);
  });
});
