// Identifier safety for emitted code. Model names appear only inside kernel and helper
// names, which the plan fixes (src/lower/names.ts says why they are safe), and inside string
// literals, always through `str`. Module-internal helpers start with `$`, which no .cnn
// name can contain.

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
