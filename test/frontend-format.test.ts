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

describe('control bytes in the quoted source line (issue 12, item 11)', () => {
  it('ESC, BEL and NUL are escaped as in the message, and the caret still points at the token', () => {
    // line: ESC [ 3 1 m, a space, the token "bad", BEL, NUL
    const line = '\u001b[31m bad\u0007\u0000';
    const [, shown, caret] = formatDiagnostic(diag(1, 7, 3), 'f', [line]).split('\n');
    expect(shown).toBe('\\u{1B}[31m bad\\u{7}\\u{0}');
    // "\u{1B}[31m " is 11 characters wide once escaped: the caret stands under "bad"
    expect(caret).toBe(`${' '.repeat(11)}^~~`);
    expect(`${shown}${caret}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('an escaped token gets a tilde for every character of its escape', () => {
    const [, shown, caret] = formatDiagnostic(diag(1, 2, 1), 'f', ['a\u001bb']).split('\n');
    expect(shown).toBe('a\\u{1B}b');
    expect(caret).toBe(' ^~~~~~');
  });

  it('a whole file with an escape sequence: checkSource never prints a raw control byte', async () => {
    const { checkSource } = await import('../src/frontend/index.js');
    const src = 'network n {\n  input shape=1x2x2\n  relu \u001b]0;pwned\u0007\n}\n';
    const { formatted } = checkSource(src, 'x.cnn');
    expect(formatted).toContain('\\u{1B}]0;pwned\\u{7}');
    expect(formatted).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
