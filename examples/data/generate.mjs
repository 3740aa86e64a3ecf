// Writes small deterministic data files for `cnnc run` on the examples:
//   <net>-input.json   T·C·H·W numbers in [0, 1), three decimals
//   <net>-labels.json  T one-hot rows of K classes
// from the mulberry32 stream of src/model/init.ts, seeded per network.
// Run from the repository root: node examples/data/generate.mjs
import { writeFileSync } from 'node:fs';

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// name, batch T, input C·H·W, classes K (from examples/<name>.cnn)
const examples = [
  ['lenet', 32, 1 * 28 * 28, 10],
  ['exotic', 4, 2 * 15 * 14, 5],
  ['vgg', 32, 3 * 32 * 32, 10],
];

examples.forEach(([name, T, size, K], index) => {
  const next = mulberry32(1000 + index);
  const input = Array.from({ length: T * size }, () => Math.round(next() * 1000) / 1000);
  const labels = [];
  for (let t = 0; t < T; t++) {
    const k = Math.floor(next() * K);
    for (let c = 0; c < K; c++) labels.push(c === k ? 1 : 0);
  }
  writeFileSync(new URL(`${name}-input.json`, import.meta.url), `${JSON.stringify(input)}\n`);
  writeFileSync(new URL(`${name}-labels.json`, import.meta.url), `${JSON.stringify(labels)}\n`);
});
