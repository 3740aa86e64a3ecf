#!/usr/bin/env node
// Runs one engine on one network in a process of its own (no JIT state or memory shared
// with other engines) and prints its rows as JSON lines on stdout.
//   node engine.mjs ENGINE MODEL.cnn [--network NAME] [--max-time MS]
//   Exit status: 0 rows printed (each says ok, wrong, n/a or error), 1 the engine's peer
//   package is not installed (the message says how to install it), 2 a wrong command line.
import { missingPeers, PEER_PACKAGES } from './lib/peers.mjs';

const [engine, file, ...rest] = process.argv.slice(2);
const opt = (name) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : undefined; };
if (!engine || !file || !(engine in PEER_PACKAGES)) {
  process.stderr.write(`usage: node engine.mjs ENGINE MODEL.cnn [--network NAME] [--max-time MS]\nengines: ${Object.keys(PEER_PACKAGES).join(', ')}\n`);
  process.exit(2);
}
const absent = missingPeers(engine);
if (absent) {
  process.stderr.write(absent.message);
  process.exit(1);
}
const { loadNetwork } = await import('./lib/cnnc.mjs');
const { runJobs } = await import('./lib/jobs.mjs');
const net = loadNetwork(file, opt('--network'));
const rows = await runJobs(engine, net, { maxTime: Number(opt('--max-time') ?? 1000) });
for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
