// Source text → AST plus every lexical and syntax error, in one pass with recovery.
import { CnnLexer } from '../../grammar/tokens.js';
import { parser } from '../../grammar/parser.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import type { FileNode } from './ast.js';
import { fileToAst } from './cst-to-ast.js';
import { endOfFile, hasPosition, tokenLoc } from './locate.js';

export interface ParseResult {
  ast: FileNode;
  diagnostics: Diagnostic[];
}

const shown = (s: string) => (s.length > 20 ? `${s.slice(0, 20)}…` : s);

/**
 * Quotes source characters for a message. Invisible ones (controls, line and paragraph
 * separators, no-break and zero-width spaces) become `\u{…}` escapes, so a diagnostic is
 * always one visible line that says exactly which character it means.
 */
const quoted = (s: string) =>
  `"${s.replace(/["\\]|\p{C}|\p{Z}/gu, (c) => (c === ' ' ? c : c === '"' || c === '\\' ? `\\${c}` : `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`))}"`;

export function parseSource(source: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = CnnLexer.tokenize(source);
  for (const e of lexed.errors) {
    const text = source.slice(e.offset, e.offset + e.length);
    const what = e.length === 1 ? `unexpected character ${quoted(text)}` : `unexpected characters ${quoted(shown(text))}`;
    diagnostics.push(error('E001', { line: e.line ?? 1, column: e.column ?? 1, offset: e.offset, length: e.length }, what));
  }
  parser.input = lexed.tokens;
  const cst = parser.file();
  for (const e of parser.errors) {
    if (hasPosition(e.token) && e.token.tokenType.name !== 'EOF') {
      diagnostics.push(error('E002', tokenLoc(e.token), e.message));
    } else {
      diagnostics.push(error('E003', endOfFile(source), `unexpected end of file: ${e.message.replace(/, found the end of the file$/, '')}`));
    }
  }
  return { ast: fileToAst(cst), diagnostics };
}
