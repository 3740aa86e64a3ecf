// Type-checks generated files in memory under strict settings (noUnusedLocals/Parameters
// too, lib es2022 only, no @types): emit-types.test.ts (ordinary modules) and
// inference-build.test.ts (inference modules). Type-checking is quadratic on long kernels,
// so both check a small network: `typedNet`.
import { Project, ts } from 'ts-morph';
import { buildNetwork } from '../../src/model/build.js';

/** A small network with every op: conv (anchor outside), bn both modes, relu, ceil pool, full with and without bias, softmax. */
export const typedNet = buildNetwork({
  name: 'typed', batch: 2, input: [2, 5, 4],
  layers: [
    { op: 'conv', name: 'c1', out: 3, kernel: [3, 2], anchor: [-1, 2] }, { op: 'bn', name: 'n1' }, { op: 'relu' },
    { op: 'pool', name: 'p1', size: [2, 3], stride: [2, 1], round: 'ceil' }, { op: 'full', name: 'f1', out: 4, bias: true },
    { op: 'bn', name: 'n2', mode: 'channel' }, { op: 'full', name: 'f2', out: 3 }, { op: 'softmax' },
  ],
});

/** The diagnostics of the files named in `check`, as `path:line: message`. */
export function typeDiagnostics(files: Record<string, string>, check: string[]): string[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true, noUnusedLocals: true, noUnusedParameters: true, noImplicitReturns: true,
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'], types: [],
    },
  });
  for (const [path, text] of Object.entries(files)) project.createSourceFile(path, text);
  return check.flatMap((path) => project.getSourceFileOrThrow(path).getPreEmitDiagnostics()
    .map((d) => `${path}:${d.getLineNumber()}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as string, '\n')}`));
}
