// The stage contracts of docs/architecture.md, read from the import lines: src/lower/ imports
// nothing from src/emit/, and the printers of src/emit/ import only types from src/lower/
// (through src/lower/types.ts). The two drivers that plan then print are named exceptions.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
