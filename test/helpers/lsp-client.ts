// A language client for the tests: spawns the built `cnnc lsp --stdio` (dist/, `npm run
// build`) and speaks LSP to it over its stdin and stdout with vscode-languageserver-protocol.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createProtocolConnection, InitializeRequest, PublishDiagnosticsNotification, StreamMessageReader, StreamMessageWriter,
  type InitializeResult, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const bin = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));

export interface LspProcess {
  conn: ProtocolConnection;
  proc: ChildProcessWithoutNullStreams;
  stderr: () => string;
  /** The server's answer to initialize. */
  init: InitializeResult;
  /** Every publishDiagnostics received, in order. */
  published: PublishDiagnosticsParams[];
  /** Resolves with the first publication for `uri` (at `version`, when given) that arrives or has arrived. */
  diagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  open(uri: string, text: string, version?: number): void;
}

export async function startLsp(): Promise<LspProcess> {
  const proc = spawn(process.execPath, [bin, 'lsp', '--stdio'], { stdio: 'pipe' });
  let err = '';
  proc.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  const matches = (p: PublishDiagnosticsParams, uri: string, version?: number) => p.uri === uri && (version === undefined || p.version === version);
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (const w of [...waiters]) {
      if (matches(p, w.uri, w.version)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  conn.listen();
  const init = await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  await conn.sendNotification('initialized', {});
  return {
    conn, proc, published, exited, init,
    stderr: () => err,
    diagnostics(uri, version) {
      const done = published.find((p) => matches(p, uri, version));
      if (done) return Promise.resolve(done);
      return new Promise((resolve) => waiters.push({ uri, version, resolve }));
    },
    open(uri, text, version = 1) {
      void conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cnn', version, text } });
    },
  };
}
