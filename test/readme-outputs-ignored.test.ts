// Every file the README's own example commands write, run from the clone's root, is either
// committed (examples/mnist/lenet.bin, generated/) or ignored by git, so trying the examples
// leaves `git status` clean (issue 12, item 20). The outputs are read from the README itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const isRepo = existsSync(join(root, '.git')) && spawnSync('git', ['--version']).status === 0;

/** The files the commands in the README's code blocks write. */
function readmeOutputs(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  // the code blocks, fence by fence, with continued lines (`\` at the end) joined
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of readme.split('\n')) {
    if (line.startsWith('```')) {
      if (current) blocks.push(current.join('\n').replace(/\\\n\s*/g, ' '));
      current = current ? undefined : [];
    } else current?.push(line);
  }
  const outputs = new Set<string>();
  for (const block of blocks) {
    for (const line of block.split('\n')) {
      const command = line.replace(/^\$ /, '').replace(/\s+#.*$/, '');
      if (!/^(npx cnnc|node dist\/src\/cli\/bin\.js) /.test(command)) continue;
      const words = command.split(/\s+/);
      const at = (flag: string) => { const i = words.indexOf(flag); return i >= 0 ? words[i + 1] : undefined; };
      const sub = words[2];
      if (sub === 'graph' && at('-o')) outputs.add(at('-o')!);
      if (sub === 'run' && at('--trace')) outputs.add(at('--trace')!);
      if (sub === 'export' && at('-o')) outputs.add(at('-o')!);
      if (sub === 'train') {
        const out = at('--out') ?? `${words[3]!.replace(/^.*\//, '').replace(/\.cnn$/, '')}.bin`;
        const stem = out.replace(/\.(bin|json)$/, '');
        outputs.add(out).add(`${stem}.curves.svg`).add(`${stem}.curves.csv`);
      }
    }
  }
  // the options named in passing: "-o x.dot for Graphviz", and train's default out
  for (const m of readme.matchAll(/-o (\w+\.(?:dot|gv|svg))/g)) outputs.add(m[1]!);
  outputs.add('lenet.bin').add('lenet.curves.svg').add('lenet.curves.csv');
  return [...outputs];
}

describe.skipIf(!isRepo)('README example outputs', () => {
  it('are committed or ignored', () => {
    const outputs = readmeOutputs();
    // what the README shows today (a sanity check of the extraction)
    expect(outputs).toEqual(expect.arrayContaining(['exotic.svg', 'out.json', 'x.dot', 'examples/mnist/lenet.bin', 'lenet.bin', 'lenet.curves.svg']));
    const tracked = new Set(execFileSync('git', ['ls-files', '--', ...outputs], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean));
    const loose = outputs.filter((f) => !tracked.has(f));
    const ignored = spawnSync('git', ['check-ignore', '--no-index', '--', ...loose], { cwd: root, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(loose.filter((f) => !ignored.includes(f))).toEqual([]);
  });

  it('the patterns do not hide committed files', () => {
    // every tracked file stays visible to git (none is matched by an ignore pattern)
    const hidden = execFileSync('git', ['ls-files', '--cached', '--ignored', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).trim();
    expect(hidden).toBe('');
  });
});
