// After `tsc -p tsconfig.build.json`: removes from dist/ what no source file produces any
// more (a moved or deleted module would otherwise linger and ship in the package), then
// makes the built CLI executable, so `npx cnnc` and the `bin` link work right after `npm ci`.
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** The source file a built file comes from: dist/a/b.js or dist/a/b.d.ts → a/b.ts. */
const sourceOf = (file) => join(root, relative(dist, file).replace(/(\.d)?\.(js|ts)$/, '.ts'));

function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (/\.(js|d\.ts)$/.test(entry.name) && !existsSync(sourceOf(path))) {
      rmSync(path);
    }
  }
}
if (existsSync(dist)) prune(dist);

const cli = join(dist, 'src/cli/bin.js');
if (existsSync(cli)) chmodSync(cli, 0o755);
