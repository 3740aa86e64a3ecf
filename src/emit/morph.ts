// ts-morph, and the TypeScript compiler inside it, take about a second to load. They are
// loaded when a module is first emitted, not when the CLI starts, so the commands that emit
// nothing (check, summary, graph, fmt, import, export, lsp, --help) start without them.
// ts-morph is a CommonJS package, so a synchronous require() can load it on first use.
import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';

let loaded: typeof TsMorph | undefined;

/** The ts-morph module, loaded on the first call. */
export function tsMorph(): typeof TsMorph {
  return (loaded ??= createRequire(import.meta.url)('ts-morph') as typeof TsMorph);
}
