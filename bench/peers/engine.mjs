#!/usr/bin/env node
// Runs one engine on one network in a process of its own (no JIT state or memory shared
// with other engines) and prints its rows as JSON lines on stdout.
//   node engine.mjs ENGINE MODEL.cnn [--network NAME] [--max-time MS]
import { loadNetwork } from './lib/cnnc.mjs';
import { engines, runJobs } from './lib/jobs.mjs';

const [engine, file, ...rest] = process.argv.slice(2);
const opt = (name) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : undefined; };
if (!engine || !file || !(engine in engines)) {
  process.stderr.write(`usage: node engine.mjs ENGINE MODEL.cnn [--network NAME] [--max-time MS]\nengines: ${Object.keys(engines).join(', ')}\n`);
  process.exit(2);
}
const net = loadNetwork(file, opt('--network'));
const rows = await runJobs(engine, net, { maxTime: Number(opt('--max-time') ?? 1000) });
for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
