// Chevrotain's syntax (railroad) diagram of the .cnn grammar, as one self-contained HTML
// page: the diagram scripts shipped with Chevrotain are inlined instead of fetched from a
// CDN, so grammar/diagram.html opens offline. test/frontend-diagram.test.ts keeps the
// committed page fresh (UPDATE_GOLDEN=1 rewrites it).
import { createSyntaxDiagramsCode } from 'chevrotain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/util/paths.js';
import { parser } from './parser.js';

export const DIAGRAM_FILE = 'grammar/diagram.html';

export function syntaxDiagramHtml(): string {
  const base = join(packageRoot(), 'node_modules', 'chevrotain', 'diagrams');
  const html = createSyntaxDiagramsCode(parser.getSerializedGastProductions(), { resourceBase: 'CHEVROTAIN/', css: 'CHEVROTAIN/diagrams.css' });
  const inline = (rel: string) => readFileSync(join(base, rel), 'utf8');
  return html
    .replace(/<link rel='stylesheet' href='CHEVROTAIN\/diagrams\.css'>/, () => `<style>\n${inline('diagrams.css')}</style>`)
    .replace(/<script src='CHEVROTAIN\/([^']+)'><\/script>/g, (_m, rel: string) => `<script>\n${inline(rel)}</script>`)
    .replace('<!DOCTYPE html>', '<!DOCTYPE html>\n<title>The .cnn grammar</title>');
}
