// A diagnostic: one problem found in a source file, located at the offending token.
import type { SourceLoc } from '../model/checked.js';
import type { Code } from './codes.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: Code;
  severity: Severity;
  /** The model's own terms, one line; may end with a suggestion ("did you mean …?"). */
  message: string;
  /** 1-based line and column of the offending token (offset 0-based, length in chars). */
  loc: SourceLoc;
}

export const error = (code: Code, loc: SourceLoc, message: string): Diagnostic => ({ code, severity: 'error', message, loc });
export const warning = (code: Code, loc: SourceLoc, message: string): Diagnostic => ({ code, severity: 'warning', message, loc });

/** Orders diagnostics by position (stable for equal positions) and drops exact repeats. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const sorted = list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.loc.line - b.d.loc.line || a.d.loc.column - b.d.loc.column || a.i - b.i)
    .map((x) => x.d);
  const seen = new Set<string>();
  return sorted.filter((d) => {
    const key = `${d.loc.line}:${d.loc.column}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const hasErrors = (list: readonly Diagnostic[]): boolean => list.some((d) => d.severity === 'error');
