// Placeholder until the interpreter engine lands; replace the whole file.
import type { Engine } from '../model/trace.js';
import { UserError } from '../errors.js';

export function createInterpreterEngine(_options: { dtype?: 'f32' | 'f64' } = {}): Engine {
  throw new UserError('the interpreter engine is not implemented yet');
}
