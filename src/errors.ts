// Errors that reach the user as a clear message and an exit status (docs/formats.md):
// 1 when the model or a data file is wrong, 2 when the command line is wrong.
// Anything else escaping to the CLI is a bug in cnnc and is reported as one.

export class UserError extends Error {
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** A wrong command line (exit 2). */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
