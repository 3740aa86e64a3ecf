// Formats diagnostics the way interfaces.md fixes it: a machine-readable first line
// `FILE:LINE:COL: error|warning: MESSAGE [CODE]`, then the source line and a caret under
// the offending token (tildes under the rest of it).
import type { Diagnostic } from './diagnostic.js';

export const sourceLines = (source: string): string[] => source.split(/\r\n|\r|\n/);

export function formatDiagnostic(d: Diagnostic, file: string, lines: readonly string[]): string {
  const first = `${file}:${d.loc.line}:${d.loc.column}: ${d.severity}: ${d.message} [${d.code}]`;
  const text = lines[d.loc.line - 1];
  if (text === undefined) return first;
  // Keep tabs in the caret line's indentation so the caret lines up in any tab width.
  const indent = text.slice(0, d.loc.column - 1).replace(/[^\t]/g, ' ');
  const rest = Math.max(0, Math.min(d.loc.length, text.length - (d.loc.column - 1)) - 1);
  return `${first}\n${text}\n${indent}^${'~'.repeat(rest)}`;
}

export function formatDiagnostics(list: readonly Diagnostic[], file: string, source: string): string {
  const lines = sourceLines(source);
  return list.map((d) => formatDiagnostic(d, file, lines)).join('\n');
}

/** "2 errors, 1 warning" — the closing line of `cnnc check`. */
export function countLine(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
