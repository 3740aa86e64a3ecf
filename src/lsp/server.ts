// `cnnc lsp`: the Language Server Protocol server over a pair of streams (stdio from the
// command line). It keeps the open documents (incremental sync), analyses a document with
// the same checkSource as `cnnc check` and publishes its diagnostics a moment after the
// last edit (debounced), and answers hover, inlay hints, completion, code actions,
// document symbols, rename and formatting from src/lsp/features.ts.
//
// No request may bring the server down: every handler catches what it throws, logs it to
// the client's output and answers null (or refuses a rename with its reason).
import {
  CodeActionKind, createConnection, ErrorCodes, ResponseError, TextDocuments, TextDocumentSyncKind,
  type Connection, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyse, type Analysis } from './analysis.js';
import {
  codeActions, completion, documentSymbols, formatting, hover, inlayHints, prepareRename, rename, RenameRefused,
  toLspDiagnostic,
} from './features.js';

export interface ServerOptions {
  /** Milliseconds between the last edit and the diagnostics (default 200). */
  debounceMs?: number;
}

export function startServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, options: ServerOptions = {}): Connection {
  const debounceMs = options.debounceMs ?? 200;
  const connection = createConnection(input, output);
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, { version: number; analysis: Analysis }>();
  const timers = new Map<string, NodeJS.Timeout>();

  const analysisOf = (doc: TextDocument): Analysis => {
    const hit = cache.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.analysis;
    const analysis = analyse(doc.getText(), doc.uri);
    cache.set(doc.uri, { version: doc.version, analysis });
    return analysis;
  };

  /** Runs a request on an open document; a thrown error is logged and answered with the fallback. */
  function guarded<R>(what: string, uri: string, fallback: R, fn: (doc: TextDocument) => R): R {
    const doc = documents.get(uri);
    if (!doc) return fallback;
    try {
      return fn(doc);
    } catch (e) {
      if (e instanceof RenameRefused) throw new ResponseError(ErrorCodes.InvalidRequest, e.message);
      connection.console.error(`cnnc lsp: ${what} failed: ${(e as Error)?.stack ?? String(e)}`);
      return fallback;
    }
  }

  const publish = (uri: string) => {
    timers.delete(uri);
    const doc = documents.get(uri);
    if (!doc) return;
    try {
      const a = analysisOf(doc);
      void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: a.diagnostics.map((d) => toLspDiagnostic(doc, d)) });
    } catch (e) {
      connection.console.error(`cnnc lsp: checking ${uri} failed: ${(e as Error)?.stack ?? String(e)}`);
    }
  };

  const schedule = (uri: string, delay: number) => {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => publish(uri), delay));
  };

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      inlayHintProvider: true,
      completionProvider: { triggerCharacters: ['=', ' '] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      documentSymbolProvider: true,
      renameProvider: { prepareProvider: true },
      documentFormattingProvider: true,
    },
    serverInfo: { name: 'cnnc' },
  }));

  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => schedule(e.document.uri, debounceMs));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    cache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((p) => guarded('hover', p.textDocument.uri, null, (doc) => hover(analysisOf(doc), doc, p.position)));
  connection.languages.inlayHint.on((p) => guarded('inlayHint', p.textDocument.uri, [], (doc) => inlayHints(analysisOf(doc), doc, p.range)));
  connection.onCompletion((p) => guarded('completion', p.textDocument.uri, [], (doc) => completion(analysisOf(doc), doc, p.position)));
  connection.onCodeAction((p) => guarded('codeAction', p.textDocument.uri, [], (doc) => codeActions(analysisOf(doc), doc, p.textDocument.uri, p.range)));
  connection.onDocumentSymbol((p) => guarded('documentSymbol', p.textDocument.uri, [], (doc) => documentSymbols(analysisOf(doc), doc)));
  connection.onPrepareRename((p) => guarded('prepareRename', p.textDocument.uri, null, (doc) => prepareRename(analysisOf(doc), doc, p.position)));
  connection.onRenameRequest((p) => guarded('rename', p.textDocument.uri, null, (doc) => rename(analysisOf(doc), doc, p.textDocument.uri, p.position, p.newName)));
  connection.onDocumentFormatting((p) => guarded('formatting', p.textDocument.uri, [], (doc) => formatting(doc)));
  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
