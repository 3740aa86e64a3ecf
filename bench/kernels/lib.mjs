// Shared by the kernel benchmarks: compiles the emitters from src/ with tsc into a temporary
// folder (so a benchmark needs no `npm run build`), and turns emitted kernel sources into
// callable functions the way the module emitter does (types stripped by transpileModule).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Compiles `files` (paths under the repository) and returns an importer of their outputs. */
export function compileSources(files) {
  const out = mkdtempSync(join(tmpdir(), 'cnnc-bench-'));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...files,
    '--outDir', out, '--rootDir', '.', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--ignoreConfig', '--types', 'node'], { cwd: root, stdio: 'inherit' });
  return (path) => import(pathToFileURL(join(out, path)).href);
}

/** The exported functions of emitted float32 kernel sources. */
export function loadKernels(sources) {
  const text = `type F = Float32Array;\n${sources.map((s) => s.code).join('\n\n')}`;
  const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exports = {};
  new Function('exports', js)(exports);
  return exports;
}

/** Milliseconds of CPU time used by this process: steadier than wall time on a shared machine. */
export const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
