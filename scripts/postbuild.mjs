// Makes the built CLI executable, so `npx cnnc` and the `bin` link work right after `npm ci`.
import { chmodSync, existsSync } from 'node:fs';
const cli = new URL('../dist/src/cli/bin.js', import.meta.url);
if (existsSync(cli)) chmodSync(cli, 0o755);
