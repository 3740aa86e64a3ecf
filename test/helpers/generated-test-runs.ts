// Runs a network's generated test file in a child vitest, as a user runs it, against the
// module as generated and against wrapper modules that perturb it (tests of the generated
// test's tolerances: test/generated-test-cancel.test.ts, test/generated-test-bn-bn.test.ts).
// Every variant and case is written first and all run in one child process, on first use.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { compileNetwork } from '../../src/emit/index.js';
import type { CheckedNetwork } from '../../src/model/checked.js';
import type { PlanOptions } from '../../src/lower/types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

type Report = { testResults: { name: string; assertionResults: { title: string; status: string; failureMessages: string[] }[] }[] };

export interface Variant { what: string; options: PlanOptions; tol: number }

/** Every build a generated test is run for, with the tolerance templates/test.hbs prints for it. */
export const VARIANTS: Variant[] = [
  { what: 'wasm', options: {}, tol: 1e-3 },
  { what: 'js', options: { target: 'js' }, tol: 1e-3 },
  { what: 'f64', options: { dtype: 'f64' }, tol: 1e-4 },
];

/** The titles of the generated test's whole-network checks (templates/test.hbs). */
export const CHECKS = {
  forward: 'whole network: forward (training), every activation and path, running statistics',
  backward: 'whole network: backward, loss, every sensitivity and gradient, input sensitivity',
  sgd: 'SGD step with momentum',
};

/** A generated test's results by test title: status and failure messages. */
export type TestResults = Record<string, { status: string; message: string }>;

/**
 * In `dir`, for every variant: the module `<stem>.js` and, for every case, `<case>.test.ts`
 * (the generated test) importing `<case>.js` (the case's wrapper module, which imports
 * `./<stem>.js`) or, for a case without one (null), the module itself. Returns the lookup
 * `results(variant, '<case>.test.ts')`.
 */
export function generatedTestRuns(
  dir: string, net: CheckedNetwork, stem: string, variants: Variant[], cases: (tol: number) => Record<string, string | null>,
): (variant: string, file: string) => TestResults {
  let report: Report | undefined;
  return (variant, file) => {
    if (!report) {
      writeFileSync(join(dir, 'vitest.config.mjs'), `export default ${JSON.stringify({
        resolve: { alias: { 'cnnc/interpreter': join(root, 'src/interp/index.ts') } },
        test: { include: ['**/*.test.ts'], pool: 'forks', testTimeout: 60_000 },
      })};\n`);
      for (const { what, options, tol } of variants) {
        const compiled = compileNetwork(net, options);
        const sub = join(dir, what);
        mkdirSync(sub);
        writeFileSync(join(sub, `${stem}.js`), compiled.js);
        for (const [name, wrapper] of Object.entries(cases(tol))) {
          if (wrapper) writeFileSync(join(sub, `${name}.js`), wrapper);
          writeFileSync(join(sub, `${name}.test.ts`), compiled.test.replace(`from './${stem}.js';`, `from './${wrapper ? name : stem}.js';`));
        }
      }
      const out = join(dir, 'report.json');
      spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--config', join(dir, 'vitest.config.mjs'), '--reporter=json', `--outputFile=${out}`], { cwd: root, encoding: 'utf8' });
      report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    }
    const r = report.testResults.find((t) => t.name === join(dir, variant, file));
    expect(r, `${variant}/${file} ran`).toBeDefined();
    return Object.fromEntries(r!.assertionResults.map((a) => [a.title, { status: a.status, message: a.failureMessages.join('\n') }]));
  };
}
