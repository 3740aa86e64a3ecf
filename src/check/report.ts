// Collects the diagnostics of one check run.
import type { SourceLoc } from '../model/checked.js';
import type { Code } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export class Reporter {
  readonly list: Diagnostic[] = [];
  private errors = 0;

  error(code: Code, loc: SourceLoc, message: string): void {
    this.list.push({ code, severity: 'error', message, loc });
    this.errors += 1;
  }

  warning(code: Code, loc: SourceLoc, message: string): void {
    this.list.push({ code, severity: 'warning', message, loc });
  }

  /** Adds diagnostics found elsewhere (the parser's). */
  add(list: readonly Diagnostic[]): void {
    for (const d of list) {
      this.list.push(d);
      if (d.severity === 'error') this.errors += 1;
    }
  }

  get errorCount(): number {
    return this.errors;
  }
}
