// Prints a transcript of a real `cnnc lsp --stdio` session on a .cnn file: initialize,
// didOpen, the published diagnostics, a hover on a layer, a hover on an option, and the
// inlay hints (README.md, "Editors", shows its output). Needs `npm run build`.
//   node scripts/lsp-transcript.mjs [FILE.cnn] [LINE:COL ...]   (LINE:COL 0-based, as in LSP)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';

const bin = fileURLToPath(new URL('../dist/src/cli/bin.js', import.meta.url));
const file = process.argv[2] ?? 'examples/lenet.cnn';
const positions = process.argv.length > 3 ? process.argv.slice(3) : ['3:10', '6:34'];
const text = readFileSync(file, 'utf8');
const uri = pathToFileURL(file).href;

const server = spawn(process.execPath, [bin, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
const json = (v) => JSON.stringify(v).replaceAll(uri, file);
// One line per message; an array answer one element per line.
const show = (dir, method, body) => process.stdout.write(`${dir} ${method}\n${Array.isArray(body) ? `[\n${body.map((b) => `  ${json(b)}`).join(',\n')}\n]` : json(body)}\n\n`);
const published = new Promise((resolve) => conn.onNotification('textDocument/publishDiagnostics', resolve));
conn.listen();

async function request(method, params) {
  show('-->', method, params);
  const result = await conn.sendRequest(method, params);
  show('<--', method, result);
  return result;
}

const init = await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
show('<--', 'initialize', { capabilities: Object.keys(init.capabilities) });
await conn.sendNotification('initialized', {});
await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cnn', version: 1, text } });
show('-->', 'textDocument/didOpen', { textDocument: { uri, languageId: 'cnn', version: 1, text: '…' } });
show('<--', 'textDocument/publishDiagnostics', await published);
for (const p of positions) {
  const [line, character] = p.split(':').map(Number);
  await request('textDocument/hover', { textDocument: { uri }, position: { line, character } }).catch(() => null);
}
await request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } } });
await conn.sendRequest('shutdown');
await conn.sendNotification('exit');
