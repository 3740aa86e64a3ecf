// Collects the diagnostics of one check run.
import type { SourceLoc } from '../model/checked.js';
import type { Code } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export class Reporter {
  readonly list: Diagnostic[] = [];

  error(code: Code, loc: SourceLoc, message: string): void {
    this.list.push({ code, severity: 'error', message, loc });
  }

  warning(code: Code, loc: SourceLoc, message: string): void {
    this.list.push({ code, severity: 'warning', message, loc });
  }

  get errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }
}
