// The language server's answers in-process (src/lsp/features.ts): the option texts cover
// the checker's schemas, and no text and no position makes any feature throw (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OP_RULES } from '../src/check/ops/index.js';
import { inputOptions } from '../src/check/ops/input.js';
import { analyse } from '../src/lsp/analysis.js';
import { OPTION_DOCS, OP_DOCS } from '../src/lsp/docs.js';
import {
  codeActions, completion, documentSymbols, formatting, hover, inlayHints, prepareRename, rename, RenameRefused,
} from '../src/lsp/features.js';

describe('lsp option texts', () => {
  it('every op and every option key of the checker has its text, and nothing else does', () => {
    const schemas: Record<string, Record<string, unknown>> = { input: inputOptions, ...Object.fromEntries(Object.entries(OP_RULES).map(([op, r]) => [op, r.options])) };
    expect(Object.keys(OP_DOCS).sort()).toEqual(Object.keys(schemas).sort());
    for (const [op, schema] of Object.entries(schemas)) expect(Object.keys(OPTION_DOCS[op]).sort()).toEqual(Object.keys(schema).sort());
  });
});

describe('lsp features never throw (fast-check)', () => {
  const lenet = readFileSync('examples/lenet.cnn', 'utf8');
  const TOKENS = ['network', 'n', '{', '}', 'input', 'shape=1x8x8', 'conv', 'c', 'out=2', 'kernel=3', 'pool', 'size=', 'round=', 'relu',
    'softmax', 'full', 'bias=maybe', '(1,', '-2)', '#c\n', '\n', ' ', '\t', '=', '\uFEFF', '\r\n', 'x', '5x5x', '\u00e9'];
  const text = fc.oneof(
    fc.string({ maxLength: 120 }),
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(' ')),
    fc.tuple(fc.nat(lenet.length), fc.nat(40), fc.string({ maxLength: 8 })).map(([at, cut, put]) => lenet.slice(0, at) + put + lenet.slice(at + cut)),
  );
  it('hover, hints, completion, actions, symbols, rename, formatting on any text at any position', () => {
    fc.assert(fc.property(text, fc.nat(40), fc.nat(130), fc.constantFrom('x1', 'relu', 'c', '9'), (t, line, character, newName) => {
      const doc = TextDocument.create('file:///f.cnn', 'cnn', 1, t);
      const a = analyse(t);
      const pos = { line, character };
      hover(a, doc, pos);
      inlayHints(a, doc);
      completion(a, doc, pos);
      codeActions(a, doc, doc.uri, { start: { line: 0, character: 0 }, end: pos });
      documentSymbols(a, doc);
      formatting(doc);
      for (const f of [() => prepareRename(a, doc, pos), () => rename(a, doc, doc.uri, pos, newName)]) {
        try { f(); } catch (e) { if (!(e instanceof RenameRefused)) throw e; }
      }
    }), { numRuns: 1500, seed: 15 });
  });
});
