// The VS Code client of `cnnc lsp`: starts `<cnnc.command> lsp --stdio` for .cnn files.
// Plain CommonJS, so the folder installs without a build step (see the README, "Editors").
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {import('vscode-languageclient/node').LanguageClient | undefined} */
let client;

/** @param {import('vscode').ExtensionContext} context */
async function activate(context) {
  const command = vscode.workspace.getConfiguration('cnnc').get('command', 'cnnc');
  // TransportKind.stdio makes the client add `--stdio` to the arguments.
  const run = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient('cnnc', 'cnnc', { run, debug: run }, {
    documentSelector: [{ scheme: 'file', language: 'cnn' }, { scheme: 'untitled', language: 'cnn' }],
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  try {
    await client.start();
  } catch (e) {
    void vscode.window.showErrorMessage(`cnnc: cannot start the language server with "${command} lsp --stdio" (${e instanceof Error ? e.message : String(e)}); set cnnc.command.`);
  }
}

async function deactivate() {
  if (client) await client.stop();
  client = undefined;
}

module.exports = { activate, deactivate };
