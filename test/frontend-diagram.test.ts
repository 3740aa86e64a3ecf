// The committed syntax diagram matches the grammar (UPDATE_GOLDEN=1 regenerates it).
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { DIAGRAM_FILE, syntaxDiagramHtml } from '../grammar/diagram.js';

describe('grammar/diagram.html', () => {
  it('is fresh', () => {
    const html = syntaxDiagramHtml();
    if (process.env.UPDATE_GOLDEN) writeFileSync(DIAGRAM_FILE, html);
    expect(readFileSync(DIAGRAM_FILE, 'utf8'), 'run UPDATE_GOLDEN=1 npx vitest run test/frontend-diagram.test.ts').toBe(html);
  });

  it('is self-contained and shows every rule', () => {
    const html = syntaxDiagramHtml();
    expect(html).not.toMatch(/<script src=|<link rel='stylesheet'/);
    for (const rule of ['file', 'network', 'statement', 'keyValue', 'value', 'pair']) expect(html).toContain(`"name": "${rule}"`);
  });
});
