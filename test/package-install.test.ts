// The package as a user gets it: `npm pack` (from the built dist/), installed into an empty
// folder, then a user's TypeScript program importing both entry points ('cnnc' and
// 'cnnc/interpreter') is type-checked with tsc (strict, with the package's declarations
// checked too) and run, and the installed `cnnc` command checks and builds a model. One
// install serves every case. Needs `npm run build` first (CI's `npm ci` builds).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const fixtures = join(root, 'test/fixtures/package');
const dir = mkdtempSync(join(tmpdir(), 'cnnc-package-'));
const project = join(dir, 'user');

// A clean environment for the nested npm: none of the npm_* variables of an outer `npm test`.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(command: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/src/index.js')) || !existsSync(join(root, 'dist/src/index.d.ts'))) {
    throw new Error('test/package-install.test.ts packs the built package: run `npm run build` first');
  }
  // --ignore-scripts: pack what dist/ holds now instead of rebuilding it under other tests' feet.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, env, encoding: 'utf8' })) as { filename: string }[];
  const tarball = join(dir, packed[0].filename);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'user', private: true, type: 'module' }, null, 2)}\n`);
  cpSync(fixtures, project, { recursive: true });
  // Stored as .ts.txt so that the repository's own type-check leaves it alone.
  renameSync(join(project, 'user.ts.txt'), join(project, 'user.ts'));
  // From npm's cache when it holds every dependency, from the registry otherwise.
  let install = run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], project);
  if (install.status !== 0) install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
  if (install.status !== 0) throw new Error(`npm install of the packed tarball failed:\n${install.stderr}`);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cnnc = (...args: string[]) => run(join(project, 'node_modules/.bin/cnnc'), args, project);

describe('the packed package, installed', () => {
  it('ships the built code with declarations, the templates and the grammar, and no tests', () => {
    const pkg = join(project, 'node_modules/cnnc');
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/interp/index.d.ts', 'dist/src/cli/bin.js', 'templates', 'grammar']) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    expect(existsSync(join(pkg, 'test'))).toBe(false);
    expect(existsSync(join(pkg, 'dist/test'))).toBe(false);
  });

  it('the installed cnnc command checks a model and builds its module', () => {
    const check = cnnc('check', 'tiny.cnn');
    expect(check.stderr).toBe('');
    expect(check.stdout).toBe('tiny.cnn: ok: tiny (6 layers)\n');
    expect(check.status).toBe(0);
    const bad = cnnc('check', 'bad.cnn');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^bad\.cnn:3:14: error: full f: out must be positive, not 0 \[E015\]$/m);
    const build = cnnc('build', 'tiny.cnn', '-o', 'gen', '--dtype', 'f64');
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(existsSync(join(project, 'gen/tiny.js'))).toBe(true);
    expect(existsSync(join(project, 'gen/tiny.d.ts'))).toBe(true);
    // The generated test imports the interpreter as a user's would.
    expect(readFileSync(join(project, 'gen/tiny.test.ts'), 'utf8')).toMatch(/from 'cnnc\/interpreter'/);
  });

  it("a user's TypeScript program type-checks against both entry points and runs", () => {
    // Needs the module `cnnc build` wrote into gen/ (the test before).
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, lib: ['ES2022'],
        // The package's own declarations are checked; TypeScript's lib files are not.
        skipLibCheck: false, skipDefaultLibCheck: true,
        types: ['node'], typeRoots: [join(root, 'node_modules/@types')], outDir: 'out', rootDir: '.',
      },
      files: ['user.ts'],
    }, null, 2));
    const tsc = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const program = run(process.execPath, ['out/user.js'], project);
    // The library prints nothing, not even the warnings of warn.cnn: it returns them.
    expect(program.stderr).toBe('');
    expect(program.status).toBe(0);
    const r = JSON.parse(program.stdout) as Record<string, unknown>;
    expect(r.networks).toEqual(['tiny']);
    expect(r.files).toEqual([['tiny', true, true]]);
    // conv 3·2·3·2 = 36, bn (channel mode) γ and β 3 + 3, full 3·(3·3·3)+3 = 84: 126
    expect(r.params).toBe(126);
    expect(r.warnedLayers).toBe(3);
    expect(r.warnings).toEqual(['warning W001']);
    expect(r.refused).toBe('1: bad.cnn:3:14: error: full f: out must be positive, not 0 [E015]');
    // The float64 modules (compiled in-process, and built by the CLI) against the interpreter.
    expect(r.compiledDiff).toBeLessThan(1e-12);
    expect(r.builtDiff).toBeLessThan(1e-12);
    expect(r.builtMeta).toEqual(['tiny', 3, 'f64']);
    expect(r.loss).toBe(true);
    expect(r.convForward).toBe('function');
    expect(r.readWeightsFile).toBe('function');
  });
});
