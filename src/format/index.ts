// The canonical layout of a .cnn file (`cnnc fmt`, the language server's formatting).
//
// Layout, decided once so that every file of the same model looks the same:
//   - `network NAME {` and `}` on lines of their own, statements indented by two spaces,
//     one statement per line, one blank line between networks;
//   - a statement is its op padded to 6 columns plus a space (`conv   c1 …`, `softmax`
//     alone), then the name and the options as written, one space apart, `key=value`
//     with no spaces, pairs as `(a,b)`;
//   - blank lines between statements and between comments are kept (several become one),
//     none right after `{` or before `}`;
//   - every comment is kept, with its text: a comment ending a line stays at the end of
//     that line (within a network, all such comments line up two spaces after the
//     longest commented statement); a comment on a line of its own stays on its own line,
//     indented like the statement after it; a comment written in the middle of a
//     statement that spans lines moves to its own line just before the statement;
//   - LF line ends, no trailing spaces, one newline at the end; a byte-order mark is dropped.
// Only whitespace, comment placement and the spelling of pairs change, so the formatted
// text checks to the same model. A file with syntax errors is not formatted.
import { CnnLexer } from '../../grammar/tokens.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { NetworkNode, StatementNode, Value } from '../frontend/ast.js';
import { parseSource } from '../frontend/parse.js';

export type FormatResult =
  | { ok: true; text: string; changed: boolean }
  /** The text has lexical or syntax errors (E001–E003): nothing is formatted. */
  | { ok: false; diagnostics: Diagnostic[] };

/** Width of the op column: the op padded to this many characters, then one space. */
export const OP_COLUMN = 6;

interface Comment { offset: number; line: number; text: string }

/** One printed unit of the file: a network's header, a statement, a network's `}`. */
interface Element {
  kind: 'header' | 'statement' | 'close';
  start: number;
  end: number;
  startLine: number;
  endLine: number;
  code: string;
  /** Inside a network (indented). */
  inner: boolean;
  leading: Comment[];
  trailing: Comment[];
  /** The source has a blank line between this element (or its first leading comment) and what precedes it. */
  blankBefore: boolean;
}

function valueText(v: Value): string {
  return v.kind === 'pair' ? `(${v.first.text},${v.second.text})` : v.text;
}

export function statementText(st: StatementNode): string {
  const rest = [
    ...(st.name ? [st.name.text] : []),
    ...st.options.map((o) => `${o.key.text}=${o.value ? valueText(o.value) : ''}`),
  ];
  if (rest.length === 0) return st.op.text;
  return `${st.op.text.padEnd(OP_COLUMN)} ${rest.join(' ')}`;
}

function statementEnd(st: StatementNode): number {
  let end = st.op.loc.offset + st.op.loc.length;
  if (st.name) end = Math.max(end, st.name.loc.offset + st.name.loc.length);
  for (const o of st.options) {
    end = Math.max(end, o.key.loc.offset + o.key.loc.length);
    if (o.value) end = Math.max(end, o.value.loc.offset + o.value.loc.length);
  }
  return end;
}

/** 1-based line of every offset, by a table of line starts. */
function lineIndex(source: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\n' || (c === '\r' && source[i + 1] !== '\n')) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** The braces of each network, in order (the lexer's `{` and `}` tokens). */
function braces(source: string): { open: number[]; close: number[] } {
  const open: number[] = [];
  const close: number[] = [];
  for (const t of CnnLexer.tokenize(source).tokens) {
    if (t.tokenType.name === 'LCurly') open.push(t.startOffset);
    else if (t.tokenType.name === 'RCurly') close.push(t.startOffset);
  }
  return { open, close };
}

/** Comments with their offsets: the lexer skips them, so they are found in the gaps between tokens. */
function comments(source: string, lineOf: (o: number) => number): Comment[] {
  const found: Comment[] = [];
  const tokens = CnnLexer.tokenize(source).tokens;
  let from = 0;
  const scan = (to: number) => {
    const gap = source.slice(from, to);
    for (const m of gap.matchAll(/(?:#|\/\/)[^\n\r]*/g)) {
      const offset = from + m.index;
      found.push({ offset, line: lineOf(offset), text: m[0].replace(/\s+$/, '') });
    }
  };
  for (const t of tokens) {
    scan(t.startOffset);
    from = t.startOffset + t.image.length;
  }
  scan(source.length);
  return found;
}

function elementsOf(networks: NetworkNode[], source: string, lineOf: (o: number) => number): Element[] {
  const { open, close } = braces(source);
  const out: Element[] = [];
  const make = (kind: Element['kind'], start: number, end: number, code: string, inner: boolean): Element => ({
    kind, start, end, startLine: lineOf(start), endLine: lineOf(Math.max(start, end - 1)), code, inner,
    leading: [], trailing: [], blankBefore: false,
  });
  networks.forEach((net, i) => {
    out.push(make('header', net.loc.offset, open[i] + 1, `network ${net.name?.text ?? ''} {`, false));
    for (const st of net.statements) out.push(make('statement', st.op.loc.offset, statementEnd(st), statementText(st), true));
    out.push(make('close', close[i], close[i] + 1, '}', false));
  });
  return out;
}

/** True when the source between two offsets holds an empty line. */
function hasBlankLine(source: string, from: number, to: number): boolean {
  return /(?:\r\n|\r|\n)[ \t\f\v]*(?:\r\n|\r|\n)/.test(source.slice(from, to));
}

export function formatSource(input: string): FormatResult {
  const source = input.replace(/^\uFEFF/, '');
  const parsed = parseSource(source);
  if (parsed.diagnostics.length > 0) return { ok: false, diagnostics: parsed.diagnostics };
  const lineOf = lineIndex(source);
  const elements = elementsOf(parsed.ast.networks, source, lineOf);
  const tail: Comment[] = [];

  // Attach each comment to an element.
  let e = 0;
  for (const c of comments(source, lineOf)) {
    while (e < elements.length && elements[e].end <= c.offset) e++;
    const prev = elements[e - 1];
    const next = elements[e];
    if (next && next.start < c.offset) next.leading.push(c); // inside a statement that spans lines
    else if (prev && prev.endLine === c.line && prev.trailing.length === 0) prev.trailing.push(c);
    else if (next) next.leading.push(c);
    else tail.push(c);
  }

  // Blank lines before each element (measured before its first leading comment).
  let prevEnd = 0;
  for (const el of elements) {
    const first = Math.min(el.start, ...el.leading.map((c) => c.offset));
    el.blankBefore = prevEnd > 0 && hasBlankLine(source, prevEnd, first);
    prevEnd = Math.max(el.end, ...el.trailing.map((c) => c.offset + c.text.length));
  }

  const lines: string[] = [];
  let commentColumn = 0;
  elements.forEach((el, i) => {
    const indent = el.inner ? '  ' : '';
    if (el.kind === 'header') {
      // The column of this network's end-of-line comments.
      let longest = 0;
      for (let j = i + 1; j < elements.length && elements[j].kind === 'statement'; j++) {
        if (elements[j].trailing.length > 0) longest = Math.max(longest, 2 + elements[j].code.length);
      }
      commentColumn = longest + 2;
      if (lines.length > 0) lines.push('');
    } else if (el.kind === 'statement' && el.blankBefore && elements[i - 1].kind !== 'header') {
      lines.push('');
    } else if (el.kind === 'close' && el.leading.length > 0 && el.blankBefore && elements[i - 1].kind !== 'header') {
      lines.push('');
    }
    // Leading comments keep the blank lines between them and before the code (one at most).
    const commentIndent = el.kind === 'close' ? '  ' : indent;
    el.leading.forEach((c, j) => {
      if (j > 0 && hasBlankLine(source, el.leading[j - 1].offset, c.offset)) lines.push('');
      lines.push(`${commentIndent}${c.text}`);
    });
    const lastComment = el.leading[el.leading.length - 1];
    if (lastComment && el.kind !== 'close' && hasBlankLine(source, lastComment.offset, el.start)) lines.push('');
    const code = `${indent}${el.code}`;
    const trailing = el.trailing[0];
    if (!trailing) lines.push(code);
    else if (el.kind === 'statement') lines.push(`${code.padEnd(commentColumn)}${trailing.text}`);
    else lines.push(`${code}  ${trailing.text}`);
  });
  if (tail.length > 0) {
    if (lines.length > 0) lines.push('');
    tail.forEach((c, j) => {
      if (j > 0 && hasBlankLine(source, tail[j - 1].offset, c.offset)) lines.push('');
      lines.push(c.text);
    });
  }
  const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  return { ok: true, text, changed: text !== input };
}
