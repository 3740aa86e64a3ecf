// Reading option values by kind. Each reader either returns the value or reports why it
// cannot (wrong kind, zero, too large, out of range) and returns undefined.
import type { Value } from '../frontend/ast.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Limits } from './limits.js';
import { big } from './limits.js';
import type { Reporter } from './report.js';

export type ValueKind =
  | { kind: 'count' } // positive integer: out, batch
  | { kind: 'size2' } // MxN, or S meaning SxS
  | { kind: 'shape3' } // CxHxW
  | { kind: 'pair' } // (a,b), integers, may be negative
  | { kind: 'positive' } // positive number: eps
  | { kind: 'fraction' } // number in [0, 1]: momentum
  | { kind: 'word'; words: readonly string[] };

export type ValueOf<K extends ValueKind['kind']> =
  K extends 'count' | 'positive' | 'fraction' ? number
    : K extends 'size2' | 'pair' ? [number, number]
      : K extends 'shape3' ? [number, number, number]
        : string;

export interface ReadContext {
  /** `conv c1: ` — how messages name the statement. */
  prefix: string;
  key: string;
  r: Reporter;
  limits: Limits;
}

/** "the size 5x5", "the number 2.5", … — what the user wrote, for messages. */
export function describeValue(v: Value): string {
  switch (v.kind) {
    case 'number': return `the number ${v.text}`;
    case 'size': return `the size ${v.text}`;
    case 'word': return `the word '${v.text}'`;
    case 'pair': return `the pair ${v.text}`;
  }
}

function wrongKind(v: Value, want: string, c: ReadContext): undefined {
  c.r.error('E014', v.loc, `${c.prefix}${c.key} must be ${want}, not ${describeValue(v)}`);
  return undefined;
}

/** Checks that every part of a size is a positive integer no larger than maxDimension. */
function sizeParts(v: Value, parts: number[], c: ReadContext): number[] | undefined {
  if (parts.some((p) => p > c.limits.maxDimension || !Number.isSafeInteger(p))) {
    c.r.error('E016', v.loc, `${c.prefix}${c.key}=${v.text} is too large to be a size (each size is at most ${big(c.limits.maxDimension)})`);
    return undefined;
  }
  if (parts.some((p) => p <= 0)) {
    const what = parts.length === 1 ? `${c.key} must be positive, not ${v.text}` : `${c.key}=${v.text} has a size of zero`;
    c.r.error('E015', v.loc, `${c.prefix}${what}`);
    return undefined;
  }
  return parts;
}

const WANT = {
  count: 'a positive integer',
  size2: 'a size like 3x3 (or 3 for 3x3)',
  shape3: 'a size CxHxW like 1x28x28',
  pair: 'a pair of integers like (2,1)',
  positive: 'a positive number like 1e-5',
  fraction: 'a number from 0 to 1 like 0.1',
} as const;

export function readValue(v: Value, kind: ValueKind, c: ReadContext): unknown {
  switch (kind.kind) {
    case 'count':
      if (v.kind !== 'number' || !v.integer) return wrongKind(v, WANT.count, c);
      return sizeParts(v, [v.value], c)?.[0];
    case 'size2':
      if (v.kind === 'number' && v.integer) {
        const s = sizeParts(v, [v.value], c);
        return s && [s[0], s[0]];
      }
      if (v.kind !== 'size' || v.parts.length !== 2) return wrongKind(v, WANT.size2, c);
      return sizeParts(v, v.parts, c);
    case 'shape3':
      if (v.kind !== 'size' || v.parts.length !== 3) return wrongKind(v, WANT.shape3, c);
      return sizeParts(v, v.parts, c);
    case 'pair': {
      if (v.kind !== 'pair' || !v.first.integer || !v.second.integer) return wrongKind(v, WANT.pair, c);
      const pair = [v.first.value, v.second.value];
      if (pair.some((a) => !Number.isSafeInteger(a) || Math.abs(a) > c.limits.maxDimension)) {
        c.r.error('E016', v.loc, `${c.prefix}${c.key}=${v.text} is too large (each part is at most ${big(c.limits.maxDimension)} in size)`);
        return undefined;
      }
      return pair;
    }
    case 'positive':
    case 'fraction': {
      if (v.kind !== 'number') return wrongKind(v, WANT[kind.kind], c);
      if (!Number.isFinite(v.value)) {
        c.r.error('E016', v.loc, `${c.prefix}${c.key}=${v.text} is too large to be a number`);
        return undefined;
      }
      const ok = kind.kind === 'positive' ? v.value > 0 : v.value >= 0 && v.value <= 1;
      if (!ok) {
        c.r.error('E017', v.loc, `${c.prefix}${c.key} must be ${WANT[kind.kind]}, not ${v.text}`);
        return undefined;
      }
      return v.value;
    }
    case 'word': {
      const list = kind.words.map((w) => `'${w}'`).join(' or ');
      if (v.kind !== 'word') return wrongKind(v, list, c);
      if (!kind.words.includes(v.text)) {
        c.r.error('E017', v.loc, `${c.prefix}${c.key} must be ${list}, not '${v.text}'${didYouMean(v.text, kind.words)}`);
        return undefined;
      }
      return v.text;
    }
  }
}
