// Identifier safety for emitted code. A .cnn name is `[A-Za-z_][A-Za-z0-9_]*`, which may
// still be a JavaScript reserved word (`class`, `delete`) or a name with a meaning on
// objects (`constructor`, `__proto__`). The emitter therefore never uses a model name as a
// bare identifier on its own: it appears only
//   - inside exported kernel names `<layer>_<role>` (a suffix `_forward` etc. can never form
//     a reserved word, and roles contain no underscore, so the split at the last `_` is
//     unambiguous), and
//   - inside string literals, always through JSON.stringify.
// Module-internal helpers start with `$`, which no .cnn name can contain.

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

/** A string literal for emitted code: never breaks out of its quotes. */
export const str = (s: string): string =>
  // JSON.stringify leaves U+2028/2029 raw, which older parsers treat as line ends.
  JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** The network name as a file name stem (the checker guarantees a .cnn name). */
export function fileStem(networkName: string): string {
  if (!IDENT.test(networkName)) throw new Error(`cnnc: network name ${JSON.stringify(networkName)} is not a valid .cnn name`);
  return networkName;
}

/** Names every emitted top-level declaration uses; throws on any repeat. */
export function assertUnique(names: Iterable<string>, what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`cnnc: two ${what} are both named ${n}`);
    seen.add(n);
  }
}
