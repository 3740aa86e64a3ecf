// The VS Code extension folder (editors/vscode/): its manifest points at files that exist,
// its grammar is the project's, and activating it starts `cnnc lsp --stdio` through
// vscode-languageclient (here with stand-ins for the `vscode` API and the client library,
// which exist only inside VS Code).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';

const dir = 'editors/vscode';
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

describe('editors/vscode', () => {
  it('the manifest contributes the cnn language, its configuration and the grammar; every path exists', () => {
    expect(manifest.main).toBe('./extension.js');
    expect(manifest.activationEvents).toEqual(['onLanguage:cnn']);
    const [lang] = manifest.contributes.languages;
    expect(lang.id).toBe('cnn');
    expect(lang.extensions).toEqual(['.cnn']);
    const [grammar] = manifest.contributes.grammars;
    expect(grammar).toEqual({ language: 'cnn', scopeName: 'source.cnn', path: './syntaxes/cnn.tmLanguage.json' });
    for (const p of [manifest.main, lang.configuration, grammar.path]) expect(existsSync(join(dir, p))).toBe(true);
    // The lockfile pins the client the manifest names.
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/vscode-languageclient'].version).toBe(manifest.dependencies['vscode-languageclient']);
  });

  it('its grammar is grammar/cnn.tmLanguage.json, byte for byte', () => {
    expect(readFileSync(join(dir, 'syntaxes/cnn.tmLanguage.json'), 'utf8')).toBe(readFileSync('grammar/cnn.tmLanguage.json', 'utf8'));
  });

  it('the language configuration: # comments, brace pairs, a word pattern that keeps sizes and numbers whole', () => {
    const conf = JSON.parse(readFileSync(join(dir, 'language-configuration.json'), 'utf8'));
    expect(conf.comments.lineComment).toBe('#');
    expect(conf.brackets).toEqual([['{', '}'], ['(', ')']]);
    const word = new RegExp(conf.wordPattern, 'g');
    expect('conv c1 out=6 kernel=5x5 eps=1e-5 anchor=(-1,3)'.match(word)).toEqual(['conv', 'c1', 'out', '6', 'kernel', '5x5', 'eps', '1e-5', 'anchor', '-1', '3']);
  });

  it('activation starts "<cnnc.command> lsp" over stdio for cnn documents; deactivation stops it', async () => {
    const started: unknown[] = [];
    let stopped = 0;
    class FakeClient {
      constructor(public id: string, public name: string, public server: unknown, public client: unknown) { started.push(this); }
      async start() { /* the real client spawns the server here */ }
      async stop() { stopped += 1; }
    }
    const fakes: Record<string, unknown> = {
      vscode: {
        workspace: { getConfiguration: (section: string) => ({ get: (key: string, d: unknown) => (section === 'cnnc' && key === 'command' ? '/opt/cnnc/bin/cnnc' : d) }) },
        window: { showErrorMessage: () => undefined },
      },
      'vscode-languageclient/node': { LanguageClient: FakeClient, TransportKind: { stdio: 0, ipc: 1 } },
    };
    const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = mod._load;
    mod._load = function (request: string, ...rest: unknown[]) {
      return Object.hasOwn(fakes, request) ? fakes[request] : load.call(this, request, ...rest);
    };
    try {
      const ext = createRequire(import.meta.url)(`../${dir}/extension.js`) as { activate: (c: unknown) => Promise<void>; deactivate: () => Promise<void> };
      const context = { subscriptions: [] as unknown[] };
      await ext.activate(context);
      expect(started).toHaveLength(1);
      const c = started[0] as FakeClient;
      const run = { command: '/opt/cnnc/bin/cnnc', args: ['lsp'], transport: 0 };
      expect(c.server).toEqual({ run, debug: run });
      expect(c.client).toEqual({ documentSelector: [{ scheme: 'file', language: 'cnn' }, { scheme: 'untitled', language: 'cnn' }] });
      expect(context.subscriptions).toHaveLength(1);
      await ext.deactivate();
      expect(stopped).toBe(1);
    } finally {
      mod._load = load;
    }
  });
});
