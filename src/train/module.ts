// Whether a generated module was built from a given checked network (its meta against the
// network's names, ops and shapes). Loading is src/engines/generated-module.ts's.
import type { CheckedNetwork } from '../model/checked.js';
import type { GeneratedModule } from '../engines/generated-module.js';

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** Why a module does not match the network, or null when it does. */
export function mismatch(net: CheckedNetwork, mod: Pick<GeneratedModule, 'meta'>): string | null {
  const meta = mod.meta;
  if (meta.name !== net.name) return `it is network ${meta.name}, not ${net.name}`;
  if (meta.batch !== net.batch) return `its batch is ${meta.batch}, the network's is ${net.batch}`;
  const { c, h, w } = net.input;
  if (!same(meta.input, [c, h, w])) return `its input is ${meta.input.join('x')}, the network's is ${c}x${h}x${w}`;
  const layers = meta.layers ?? [];
  if (layers.length !== net.layers.length) return `it has ${layers.length} layers, the network ${net.layers.length}`;
  for (let i = 0; i < layers.length; i++) {
    const a = layers[i]!;
    const b = net.layers[i]!;
    if (a.name !== b.name || a.op !== b.op || !same(a.output, [b.output.c, b.output.h, b.output.w])) {
      return `its layer ${i + 1} is ${a.op} ${a.name} → ${a.output.join('x')}, the network's is ${b.op} ${b.name} → ${b.output.c}x${b.output.h}x${b.output.w}`;
    }
  }
  return null;
}
