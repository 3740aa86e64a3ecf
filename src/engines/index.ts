// The engines `cnnc run --engine` can use. Loaded on demand so that a command which needs
// only one engine never loads the other.
import type { Engine } from '../model/trace.js';

export const engineNames = ['generated', 'interpreter'] as const;
export type EngineName = (typeof engineNames)[number];

export async function getEngine(name: EngineName, options: { dtype?: 'f32' | 'f64'; target?: 'js' | 'wasm' } = {}): Promise<Engine> {
  if (name === 'interpreter') return (await import('./interpreter.js')).createInterpreterEngine();
  return (await import('./generated.js')).createGeneratedEngine(options);
}
