// How the commands load a model: the library's loadModel (src/frontend/), with the model's
// warnings printed on stderr so that every command shows them and goes on.
import type { CheckedModel } from '../model/checked.js';
import { loadModel as loadChecked, type Limits } from '../frontend/index.js';
import type { Code } from '../diagnostics/codes.js';

/** For commands: warnings go to stderr and the command goes on. */
export function warnOnStderr(formatted: string): void {
  process.stderr.write(`${formatted}\n`);
}

/** Reads, parses and checks a .cnn file, printing its warnings; errors throw UserError (exit 1). */
export function loadModel(path: string, options: { limits?: Partial<Limits>; ignore?: readonly Code[] } = {}): CheckedModel {
  return loadChecked(path, { limits: options.limits, ignore: options.ignore, onWarnings: warnOnStderr });
}
