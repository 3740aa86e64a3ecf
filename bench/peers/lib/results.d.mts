// Types of results.mjs, for test/bench-results.test.ts (the harness itself is plain JavaScript).
export const engineLabels: Record<string, string>;
/** bench/RESULTS.md from one run of the peers harness (the object run.mjs also writes as RESULTS.json). */
export function renderResults(results: unknown): string;
