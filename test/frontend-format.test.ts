// The diagnostic format: first line, source line, caret; tabs kept; long lines windowed.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, sourceLines } from '../src/diagnostics/format.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';

const diag = (line: number, column: number, length: number): Diagnostic => ({
  code: 'E002', severity: 'error', message: 'm', loc: { line, column, offset: 0, length },
});

describe('formatDiagnostic', () => {
  it('caret and tildes under the token', () => {
    expect(formatDiagnostic(diag(2, 5, 3), 'f.cnn', sourceLines('a\nabcdefgh\n'))).toBe('f.cnn:2:5: error: m [E002]\nabcdefgh\n    ^~~');
  });

  it('tabs before the token stay tabs in the caret line', () => {
    expect(formatDiagnostic(diag(1, 3, 1), 'f', ['\t\tx'])).toBe('f:1:3: error: m [E002]\n\t\tx\n\t\t^');
  });

  it('at the end of a line (a missing token) the caret stands after the last character', () => {
    expect(formatDiagnostic(diag(1, 4, 0), 'f', ['abc'])).toBe('f:1:4: error: m [E002]\nabc\n   ^');
  });

  it('a long line is shown as 120 characters around the token', () => {
    const line = `${'a'.repeat(1000)}XYZ${'b'.repeat(1000)}`;
    const [, shown, caret] = formatDiagnostic(diag(1, 1001, 3), 'f', [line]).split('\n');
    // the window starts 40 characters before the token: 960 a's skipped
    expect(shown).toBe(`…${'a'.repeat(40)}XYZ${'b'.repeat(77)}…`);
    expect(caret).toBe(`${' '.repeat(41)}^~~`);
  });
});
