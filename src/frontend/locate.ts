// Source locations of tokens, including the ones Chevrotain invents or leaves unplaced
// during error recovery (inserted tokens and the end-of-file token have NaN positions).
import type { IToken } from 'chevrotain';
import type { SourceLoc } from '../model/checked.js';

export function tokenLoc(t: IToken): SourceLoc {
  return { line: t.startLine ?? 1, column: t.startColumn ?? 1, offset: t.startOffset, length: t.image.length };
}

export const hasPosition = (t: IToken): boolean => Number.isFinite(t.startOffset) && Number.isFinite(t.startLine ?? NaN);

/** Where the file ends: the column just after the last character of the last line. */
export function endOfFile(source: string): SourceLoc {
  const lines = source.split(/\r\n|\r|\n/);
  const last = lines[lines.length - 1];
  return { line: lines.length, column: last.length + 1, offset: source.length, length: 0 };
}
