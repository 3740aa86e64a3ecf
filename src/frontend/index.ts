// The front end's public face: source text → checked model, or diagnostics.
// (Placeholder signatures; the front end replaces this file.)
import type { CheckedModel } from '../model/checked.js';

/** Reads, parses and checks a .cnn file; throws UserError (exit 1) with every diagnostic formatted. */
export function loadModel(path: string): CheckedModel {
  throw new Error(`front end not implemented yet (${path})`);
}
