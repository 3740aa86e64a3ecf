// Kernel names. A .cnn name is `[A-Za-z_][A-Za-z0-9_]*`, which may still be a JavaScript
// reserved word (`class`) or a name with a meaning on objects (`__proto__`), so a model
// name never appears as a bare identifier on its own: only inside exported kernel names
// `<layer>_<role>` (a suffix `_forward` can never form a reserved word, and roles contain no
// underscore, so the split at the last `_` is unambiguous) and in helper names
// `<layer>$<what>` (`$` is not allowed in .cnn names, so helpers never collide with exports).

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The layer name as the prefix of its kernel names; refuses anything but a .cnn name. */
export function kernelPrefix(layerName: string): string {
  if (!IDENT.test(layerName)) {
    // The checker only lets .cnn names through; anything else here is a bug upstream.
    throw new Error(`cnnc: layer name ${JSON.stringify(layerName)} is not a valid .cnn name`);
  }
  return layerName;
}

/** `<layer>_<role>`: the exported kernel name. */
export function kernelName(layerName: string, role: string): string {
  if (!/^[a-z]+$/.test(role)) throw new Error(`cnnc: kernel role ${JSON.stringify(role)} must be lowercase letters`);
  return `${kernelPrefix(layerName)}_${role}`;
}

/** `<layer>$`: the prefix of a layer's module-internal helpers. */
export const helperPrefix = (layerName: string): string => `${kernelPrefix(layerName)}$`;
