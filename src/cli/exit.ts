// How the command ends: the exit status is set, and the process exits only once stdout and
// stderr have handed everything to the OS. Calling process.exit straight away cut output
// written to a pipe at 64 KiB (the pipe's buffer) with exit status 0.
import type { Writable } from 'node:stream';

/** Resolves once everything written to the stream so far has been flushed (or the stream failed). */
function flushed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) return resolve();
    stream.write('', () => resolve());
  });
}

/**
 * A reader that stops reading (`cnnc summary --json | head -c 100`) closes the pipe: that
 * ends the output quietly, as for other Unix tools, instead of an EPIPE stack trace.
 */
function quietOnClosedPipe(stream: Writable): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      stream.destroy();
      return;
    }
    throw e;
  });
}

export function exitWhenFlushed(status: Promise<number>): void {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  void status.then(async (code) => {
    process.exitCode = code;
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    // Exit explicitly: a handle left open by a command (a timer, a worker) must not keep it alive.
    process.exit(code);
  });
}
