// Compiles emitted kernel text in-process the way the module emitter does (types stripped
// by transpileModule, no checker) and returns the exported functions by name.
import { ts } from 'ts-morph';
import type { KernelSource } from '../../src/emit/kernels/types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKernel = (...args: any[]) => unknown;

/** The kernels' code as one TypeScript module text with `F` bound to the dtype's array type. */
export function kernelModuleText(sources: KernelSource[], dtype: 'f32' | 'f64'): string {
  const F = dtype === 'f32' ? 'Float32Array' : 'Float64Array';
  return `type F = ${F};\n\n${sources.map((s) => s.code).join('\n\n')}\n`;
}

/** Strips types only (as the module emitter does), as CommonJS so `new Function` can run it. */
export function transpileKernels(text: string, module: 'cjs' | 'esm' = 'cjs'): string {
  return ts.transpileModule(text, {
    compilerOptions: {
      module: module === 'cjs' ? ts.ModuleKind.CommonJS : ts.ModuleKind.ES2022,
      target: ts.ScriptTarget.ES2022,
    },
  }).outputText;
}

export function loadKernels(sources: KernelSource[], dtype: 'f32' | 'f64'): Record<string, AnyKernel> {
  const js = transpileKernels(kernelModuleText(sources, dtype));
  const exports: Record<string, AnyKernel> = {};
  new Function('exports', js)(exports);
  return exports;
}
