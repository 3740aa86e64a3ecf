// Files are written whole and together. The files of one call (the four modules of every
// network of a build; a weights file and its curves) are written into a fresh staging
// folder beside their targets, and renamed into place only when every one was written;
// if a rename fails, the ones already renamed are undone (the old files come back). So a
// reader never sees half a file, and a failed build never mixes new modules with old ones.
// Ctrl-C, SIGTERM and SIGHUP are held off until the renames are done or undone; a staging
// folder left by a process killed outright (SIGKILL) is removed by the next write into
// that folder. Errors are UserErrors (exit 1) saying in words which path failed and why.
import {
  accessSync, constants, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { describeFsError, fsErrorCode } from './fs-errors.js';

/** The longest file name (one path component) in bytes on Linux, macOS and Windows file systems. */
export const NAME_MAX = 255;

/** Staging folders are `.cnnc-<pid>-XXXXXX`: short, so a long target name never overflows NAME_MAX. */
const STAGING_PREFIX = '.cnnc-';

/** A write that failed: `path` is the file or folder at fault, `reason` says why in words. */
export class WriteError extends UserError {
  constructor(readonly path: string, readonly reason: string) {
    super(`cannot write ${path}: ${reason}`);
    this.name = 'WriteError';
  }
}

function checkName(path: string): void {
  const name = basename(path);
  const bytes = Buffer.byteLength(name);
  if (bytes > NAME_MAX) {
    throw new WriteError(
      `${name.slice(0, 40)}…${name.slice(-12)}`,
      `the file name is ${bytes} bytes long; file systems allow at most ${NAME_MAX} bytes in one name (use a shorter network or file name)`,
    );
  }
}

/** The nearest part of `path` that exists (the path itself, or a parent), or undefined. */
function nearestExisting(path: string): string | undefined {
  for (let p = resolve(path); ; p = dirname(p)) {
    if (existsSync(p)) return p;
    if (dirname(p) === p) return undefined;
  }
}

/**
 * Checks, before any work, that a folder could be created or written: the folder (or its
 * nearest existing parent) must be a folder and writable. Throws WriteError.
 */
export function checkOutputFolder(dir: string, target = dir): void {
  const existing = nearestExisting(dir);
  if (existing === undefined) throw new WriteError(target, 'no part of the path exists');
  let isDir: boolean;
  try {
    isDir = statSync(existing).isDirectory();
  } catch (e) {
    throw new WriteError(target, describeFsError(e));
  }
  if (!isDir) {
    throw new WriteError(target, existing === resolve(target) ? 'it is a file, not a folder' : `${existing} is a file, not a folder`);
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch (e) {
    throw new WriteError(target, `${existing === resolve(target) ? 'the folder' : existing}: ${describeFsError(e)}`);
  }
}

/** Checks, before any work, that a file could be written: a sane name, not a folder, in a writable folder. */
export function checkOutputFile(path: string): void {
  checkName(path);
  if (existsSync(path) && statSync(path).isDirectory()) throw new WriteError(path, 'it is a folder; give a file name');
  checkOutputFolder(dirname(path), path);
}

/** Whether process `pid` still runs (a process of another user counts as running). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return fsErrorCode(e) === 'EPERM';
  }
}

/**
 * Removes what processes that were killed outright left in `dir`: staging folders
 * `.cnnc-<pid>-*`, and the temporary files `.<name>.<pid>.<time>.tmp` of earlier versions.
 */
export function sweepStale(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^\.cnnc-(\d+)-[^/]*$/.exec(name) ?? /^\..+\.(\d+)\.\d+\.tmp$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && !alive(pid)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

const HELD_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs synchronous work with Ctrl-C, SIGTERM and SIGHUP held off: a signal arriving
 * meanwhile takes effect only afterwards (as Node delivers signals between turns of the
 * event loop, the listeners stay until the next turns). A signal another listener handles
 * (cnnc train's Ctrl-C) is left to it; otherwise it is raised again with its default action.
 */
function holdingSignals<T>(work: () => T): T {
  const listeners = HELD_SIGNALS.map((signal) => {
    const listener = (): void => {
      for (const [s, l] of listeners) process.off(s, l);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  try {
    return work();
  } finally {
    setTimeout(() => setImmediate(() => {
      for (const [s, l] of listeners) process.off(s, l);
    }), 0).unref();
  }
}

/** Writes one file whole: it appears complete or not at all. Throws WriteError. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFilesAtomic([{ path, data }]);
}

interface Placed {
  path: string;
  staged: string;
  backup: string | undefined;
  renamed: boolean;
}

/**
 * Writes several files so that either all are replaced or none is: each goes into a
 * staging folder beside its target first, and the renames happen only after every write
 * succeeded; a failing rename undoes the earlier ones. Throws WriteError, leaving no
 * temporary file and no folder it created.
 */
export function writeFilesAtomic(files: { path: string; data: string | Uint8Array }[]): void {
  for (const f of files) checkName(f.path);
  for (const f of files) {
    if (existsSync(f.path) && lstatSync(f.path).isDirectory()) throw new WriteError(f.path, 'it is a folder, not a file');
  }
  holdingSignals(() => {
    const staging = new Map<string, string>();
    const created: string[] = [];
    const placed: Placed[] = [];
    let failed: WriteError | undefined;
    let at = '';
    try {
      for (const [i, f] of files.entries()) {
        const dir = dirname(f.path);
        let stage = staging.get(dir);
        if (stage === undefined) {
          at = dir;
          const first = mkdirSync(dir, { recursive: true });
          if (first !== undefined) created.push(first);
          sweepStale(dir);
          stage = mkdtempSync(join(dir, `${STAGING_PREFIX}${process.pid}-`));
          staging.set(dir, stage);
        }
        at = f.path;
        const staged = join(stage, String(i));
        writeFileSync(staged, f.data);
        placed.push({ path: f.path, staged, backup: undefined, renamed: false });
      }
      for (const [i, p] of placed.entries()) {
        at = p.path;
        if (existsSync(p.path)) {
          const backup = join(staging.get(dirname(p.path))!, `${i}.old`);
          renameSync(p.path, backup);
          p.backup = backup;
        }
        renameSync(p.staged, p.path);
        p.renamed = true;
      }
    } catch (e) {
      failed = new WriteError(at, describeFsError(e));
      // Undo: the new files out, the old ones back.
      for (const p of [...placed].reverse()) {
        try {
          if (p.renamed) rmSync(p.path, { force: true });
          if (p.backup !== undefined) renameSync(p.backup, p.path);
        } catch {
          // keep undoing the others
        }
      }
    } finally {
      for (const stage of staging.values()) rmSync(stage, { recursive: true, force: true });
    }
    if (failed) {
      for (const dir of created.reverse()) rmSync(dir, { recursive: true, force: true });
      throw failed;
    }
  });
}
