// Placeholder until the generated engine lands; replace the whole file.
import type { Engine } from '../model/trace.js';
import { UserError } from '../errors.js';

export function createGeneratedEngine(_options: { dtype?: 'f32' | 'f64' } = {}): Engine {
  throw new UserError('the generated engine is not implemented yet');
}
