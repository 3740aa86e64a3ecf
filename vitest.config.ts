import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: {
    // Generated tests import the interpreter as a user would (`cnnc/interpreter`, the
    // package export); inside this repository that is the source, not dist/.
    alias: { 'cnnc/interpreter': fileURLToPath(new URL('./src/interp/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts', 'generated/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
