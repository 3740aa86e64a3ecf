// The front end's public face: source text → checked model, or diagnostics.
//
//   parseSource   text → tokens → CST → AST, with every syntax error (grammar/, parse.ts)
//   checkFile     AST → checked networks, with every model error (src/check/)
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { checkSourceLimits } from '../check/limit-checks.js';
import { big } from '../check/limits.js';
import { describeFsError } from '../util/fs-errors.js';
import { UserError } from '../errors.js';
import type { CheckedModel } from '../model/checked.js';
import { checkFile } from '../check/index.js';
import type { Limits } from '../check/limits.js';
import { resolveLimits } from '../check/limits.js';
import { Reporter } from '../check/report.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { Code } from '../diagnostics/codes.js';
import { countLine, formatDiagnostics } from '../diagnostics/format.js';
import type { FileNode } from './ast.js';
import { parseSource } from './parse.js';

export type { Limits } from '../check/limits.js';
export { DEFAULT_LIMITS } from '../check/limits.js';
export type { Diagnostic } from '../diagnostics/diagnostic.js';

export interface CheckResult {
  /** The checked model, present exactly when there is no error (warnings allowed). */
  model: CheckedModel | undefined;
  /** Every error and warning, sorted by position. */
  diagnostics: Diagnostic[];
  ast: FileNode;
  /** The diagnostics formatted for a terminal (empty when there are none). */
  formatted: string;
}

export function checkSource(source: string, file: string, limits?: Partial<Limits>): CheckResult {
  const resolved = resolveLimits(limits);
  // An absurd file (megabytes, thousands of layers) is refused before it is parsed.
  const tooLarge = checkSourceLimits(source, resolved);
  if (tooLarge) {
    return { model: undefined, diagnostics: [tooLarge], ast: { networks: [] }, formatted: formatDiagnostics([tooLarge], file, source) };
  }
  const { ast, diagnostics: syntax } = parseSource(source);
  const r = new Reporter();
  r.add(syntax);
  const networks = checkFile(ast, r, resolved);
  if (ast.networks.length === 0 && r.list.length === 0) {
    r.error('E004', { line: 1, column: 1, offset: 0, length: 0 }, "the file has no network; write 'network NAME { input shape=CxHxW ... }'");
  }
  const diagnostics = sortDiagnostics(r.list);
  const model = hasErrors(diagnostics) ? undefined : { file, networks };
  return { model, diagnostics, ast, formatted: formatDiagnostics(diagnostics, file, source) };
}

/**
 * Reads a model file, at most `maxBytes` of it (the maxSourceBytes limit): a huge file or
 * an endless one (`/dev/zero`, a pipe) is refused after reading just past the limit.
 */
export function readSource(path: string, maxBytes: number = resolveLimits().maxSourceBytes): string {
  const chunks: Buffer[] = [];
  let total = 0;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    if (stat.isFile() && stat.size > maxBytes) {
      throw new UserError(`cnnc: ${path}: the file holds ${big(stat.size)} bytes, more than the limit of ${big(maxBytes)} (maxSourceBytes); a model is a few kilobytes [E045]`, 1);
    }
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) {
        throw new UserError(`cnnc: ${path}: the file holds more than the limit of ${big(maxBytes)} bytes (maxSourceBytes); a model is a few kilobytes [E045]`, 1);
      }
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cnnc: cannot read ${path}: ${describeFsError(e)}`, 1);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  // A byte-order mark is no character of the model (editors on Windows add one).
  return Buffer.concat(chunks, total).toString('utf8').replace(/^\uFEFF/, '');
}

export interface LoadOptions {
  limits?: Partial<Limits>;
  /**
   * Called with the formatted warnings (and the diagnostics themselves) when the model has
   * some but no error. The library prints nothing; the command line passes a printer.
   */
  onWarnings?: WarningHandler;
  /** Warnings not to report (e.g. TRAINING_WARNINGS for an inference build). */
  ignore?: readonly Code[];
}

export type WarningHandler = (formatted: string, diagnostics: Diagnostic[]) => void;

/** Reads and checks a .cnn file: the model (when there is no error) and every diagnostic. Throws UserError only when the file cannot be read. */
export function checkModelFile(path: string, options: { limits?: Partial<Limits> } = {}): CheckResult {
  return checkSource(readSource(path, resolveLimits(options.limits).maxSourceBytes), path, options.limits);
}

/** Reads, parses and checks a .cnn file; throws UserError (exit 1) with every diagnostic formatted. */
export function loadModel(path: string, options: LoadOptions = {}): CheckedModel {
  const source = readSource(path, resolveLimits(options.limits).maxSourceBytes);
  const result = checkSource(source, path, options.limits);
  if (!result.model) throw new UserError(`${result.formatted}\n${countLine(result.diagnostics)}`);
  const { ignore } = options;
  const shown = ignore ? result.diagnostics.filter((d) => !ignore.includes(d.code)) : result.diagnostics;
  if (shown.length > 0) (options.onWarnings ?? fallbackWarnings)?.(shown === result.diagnostics ? result.formatted : formatDiagnostics(shown, path, source), shown);
  return result.model;
}

// Transitional: src/cli/commands/build.ts still calls this loadModel without onWarnings; the
// command line sets this handler so that `cnnc build` keeps printing the model's warnings.
// Remove once every command loads through src/cli/load.ts. Library callers never see it.
let fallbackWarnings: WarningHandler | undefined;

/** @internal For the command line only (see above). */
export function setFallbackWarningHandler(handler: WarningHandler | undefined): void {
  fallbackWarnings = handler;
}
