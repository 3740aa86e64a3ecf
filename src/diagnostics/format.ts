// Formats diagnostics the way docs/language.md fixes it: a machine-readable first line
// `FILE:LINE:COL: error|warning: MESSAGE [CODE]`, then the source line and a caret under
// the offending token (tildes under the rest of it).
import type { Diagnostic } from './diagnostic.js';

/** Source lines longer than this are shown as a window around the caret, with `…`. */
const MAX_SHOWN = 120;

export const sourceLines = (source: string): string[] => source.split(/\r\n|\r|\n/);

/**
 * Source text as it is shown under a diagnostic: control and other invisible characters
 * (ESC, BEL, NUL, no-break and zero-width spaces, …) become `\u{…}` escapes as in the
 * messages themselves, so a model file cannot send terminal control sequences through a
 * diagnostic. Tabs stay (the caret line keeps them to line up).
 */
export const visibleSource = (s: string): string =>
  s.replace(/[^\P{C}\t]|[^\P{Z} ]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);

export function formatDiagnostic(d: Diagnostic, file: string, lines: readonly string[]): string {
  const first = `${file}:${d.loc.line}:${d.loc.column}: ${d.severity}: ${d.message} [${d.code}]`;
  const text = lines[d.loc.line - 1];
  if (text === undefined) return first;
  let start = 0;
  let end = text.length;
  if (text.length > MAX_SHOWN) {
    start = Math.max(0, Math.min(d.loc.column - 1 - MAX_SHOWN / 3, text.length - MAX_SHOWN));
    end = start + MAX_SHOWN;
  }
  const before = start > 0 ? '…' : '';
  const at = Math.max(start, Math.min(d.loc.column - 1, end));
  const lead = visibleSource(text.slice(start, at));
  const tokenEnd = Math.min(end, at + d.loc.length);
  const token = visibleSource(text.slice(at, tokenEnd));
  const shown = `${before}${lead}${token}${visibleSource(text.slice(tokenEnd, end))}${end < text.length ? '…' : ''}`;
  // Keep tabs in the caret line's indentation so the caret lines up in any tab width.
  const indent = before.replace('…', ' ') + lead.replace(/[^\t]/g, ' ');
  const rest = Math.max(0, token.length - 1);
  return `${first}\n${shown}\n${indent}^${'~'.repeat(rest)}`;
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
