// The stage contracts of docs/architecture.md, read from the import lines: src/lower/ imports
// nothing from src/emit/, and the printers of src/emit/ import only types from src/lower/
// (through src/lower/types.ts). The two drivers that plan then print are named exceptions.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OP_NAMES } from '../src/check/ops/index.js';
import { opLowering } from '../src/lower/ops.js';
import { opEmitters } from '../src/emit/ops.js';

const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
});

/** Every `import … from '…'` / `export … from '…'` statement of a file, whole. */
const imports = (path: string): string[] =>
  readFileSync(path, 'utf8').match(/^(?:import|export)[^;]*?from\s+'[^']+';/gms) ?? [];

describe('stage imports', () => {
  it('src/lower/ imports nothing from src/emit/', () => {
    for (const f of files('src/lower')) {
      for (const s of imports(f)) expect(s, f).not.toMatch(/from '\.\.\/emit\//);
    }
  });

  it('src/emit/ printers import only types from src/lower/', () => {
    const drivers = ['src/emit/index.ts', 'src/emit/compat.ts'];
    const checked = files('src/emit').filter((f) => !drivers.includes(f));
    expect(checked.length).toBeGreaterThan(10);
    for (const f of checked) {
      for (const s of imports(f).filter((s) => /from '(\.\.\/)+lower\//.test(s))) {
        expect(s, f).toMatch(/^(import|export) type /);
        expect(s, f).toMatch(/lower\/types\.js'/);
      }
    }
  });
});

describe('one file per op per stage (docs/architecture.md)', () => {
  it.each(OP_NAMES)('%s: its four files and its entries in the lower and emit tables', (op) => {
    for (const f of [`src/check/ops/${op}.ts`, `src/interp/ops/${op}.ts`, `src/lower/${op}.ts`, `src/emit/kernels/${op}.ts`]) {
      expect(statSync(f).isFile(), f).toBe(true);
    }
    expect(opLowering[op].roles.length).toBeGreaterThan(0);
    expect(opEmitters()[op].kinds.length).toBeGreaterThan(0);
  });

  it('no file of src/lower/, src/emit/ or templates/ outside the tables and op files tests an op name', () => {
    const opFiles = new Set(OP_NAMES.flatMap((op) => [`src/lower/${op}.ts`, `src/emit/kernels/${op}.ts`]));
    const tables = ['src/lower/ops.ts', 'src/emit/ops.ts', 'src/lower/plan.ts', 'src/lower/conv-padded.ts'];
    const all = [...files('src/lower'), ...files('src/emit'), ...readdirSync('templates').map((f) => join('templates', f))];
    for (const f of all.filter((f) => !opFiles.has(f) && !tables.includes(f))) {
      const text = readFileSync(f, 'utf8');
      for (const op of OP_NAMES) {
        expect(text, f).not.toMatch(new RegExp(`(op|kind) ===? '${op}'|case '${op}'`));
      }
    }
  });
});
