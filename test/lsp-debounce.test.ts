// Debouncing of the language server's diagnostics, in-process with the timers under the
// test's control (no wall-clock assertion): edits in a row publish nothing until the
// debounce delay has passed after the last one, and then once, for the last version.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PassThrough } from 'node:stream';
import {
  createProtocolConnection, PublishDiagnosticsNotification, StreamMessageReader, StreamMessageWriter,
  type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { startServer } from '../src/lsp/server.js';

const toServer = new PassThrough();
const fromServer = new PassThrough();
let client: ProtocolConnection;
const published: PublishDiagnosticsParams[] = [];

beforeAll(async () => {
  // Only the debounce timers are faked; the JSON-RPC queue runs on setImmediate as usual.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  startServer(toServer, fromServer, { debounceMs: 200 });
  client = createProtocolConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
  client.onNotification(PublishDiagnosticsNotification.type, (p) => { published.push(p); });
  client.listen();
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
});
afterAll(() => { vi.useRealTimers(); });

/** A request answered means every notification sent before it has been handled. */
const settle = () => client.sendRequest('textDocument/documentSymbol', { textDocument: { uri: 'file:///d.cnn' } });

describe('lsp diagnostics debounce', () => {
  it('publishes once, for the last version, debounceMs after the last edit', async () => {
    const uri = 'file:///d.cnn';
    void client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cnn', version: 1, text: 'network n {\n  input shape=1x8x8\n  relu\n}\n' } });
    await settle();
    await vi.runOnlyPendingTimersAsync(); // opening publishes at once (a zero delay)
    await settle();
    expect(published.map((p) => p.version)).toEqual([1]);

    const edit = (v: number, text: string) => client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line: 2, character: 6 }, end: { line: 2, character: 6 } }, text }],
    });
    for (let v = 2; v <= 9; v++) void edit(v, '');
    await settle();
    await vi.advanceTimersByTimeAsync(150);
    await settle();
    expect(published.map((p) => p.version)).toEqual([1]);
    // Another edit 150 ms later starts the delay again: 300 ms after the first edit, still nothing.
    void edit(10, ' x=1');
    await settle();
    await vi.advanceTimersByTimeAsync(150);
    await settle();
    expect(published.map((p) => p.version)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(published.map((p) => p.version)).toEqual([1, 10]);
    expect(published[1].diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['E011', "relu relu1: unknown option 'x' (relu takes no options)"],
    ]);
  });
});
