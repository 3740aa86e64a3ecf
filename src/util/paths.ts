// Finds files shipped with the package (templates/, grammar/) whether the code runs from
// src/ under vitest or from dist/src/ after the build.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cnnc: cannot find the package root');
    dir = up;
  }
  root = dir;
  return dir;
}

export const templatesDir = (): string => join(packageRoot(), 'templates');
