// docs/language.html: docs/language.md rendered by scripts/render-docs.mjs, its ```cnn
// blocks highlighted by shiki with grammar/cnn.tmLanguage.json. The committed page must be
// what the script makes now, and each kind of token must carry its theme colour.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bundledThemes } from 'shiki';
// @ts-expect-error: a plain ES module script without declarations
import { renderLanguageDoc, THEME } from '../scripts/render-docs.mjs';

const markdown = readFileSync('docs/language.md', 'utf8');

/** The theme's colour for a scope, straight from the theme's own rules. */
async function colour(scope: string): Promise<string> {
  const theme = (await bundledThemes[THEME as 'github-light']()).default;
  const rule = theme.tokenColors!.find((r) => (Array.isArray(r.scope) ? r.scope : [r.scope]).includes(scope));
  return rule!.settings.foreground!.toUpperCase();
}

describe('docs/language.html', () => {
  it('is up to date with docs/language.md and the grammar (npm run docs)', async () => {
    const html: string = await renderLanguageDoc();
    expect(html === readFileSync('docs/language.html', 'utf8'), 'docs/language.html is stale: run `npm run docs`').toBe(true);
  }, 60_000);

  it('every ```cnn block, and only those, is highlighted; tokens carry the theme colours of their scopes', async () => {
    const html = readFileSync('docs/language.html', 'utf8');
    const fences = markdown.match(/^```cnn$/gm) ?? [];
    expect(fences.length).toBe(2);
    const blocks = html.match(/<pre class="shiki[^]*?<\/pre>/g) ?? [];
    expect(blocks.length).toBe(fences.length);
    const spans = [...blocks[0]!.matchAll(/<span style="color:(#\w+)">([^<]*)<\/span>/g)].map((m) => ({ color: m[1].toUpperCase(), text: m[2].trim() }));
    const colourOf = (text: string) => spans.find((s) => s.text === text || s.text.startsWith(text))?.color;
    expect(colourOf('# LeNet-5')).toBe(await colour('comment'));
    expect(colourOf('conv')).toBe(await colour('keyword'));
    expect(colourOf('5x5')).toBe(await colour('constant'));
    expect(colourOf('lenet')).toBe(await colour('entity.name'));
    expect(colourOf('shape')).toBe(await colour('variable'));
    // The text of the block is the example's, character for character.
    const text = blocks[0]!.replace(/<[^>]+>/g, '').replace(/&#x3C;/g, '<').replace(/&#x26;/g, '&');
    expect(`${text}\n`).toBe(readFileSync('examples/lenet.cnn', 'utf8'));
    // Headings carry GitHub's anchors, so the page's own links work.
    expect(html).toContain('<h2 id="lexical-rules">');
    expect(html).toContain('href="#lexical-rules"');
  }, 60_000);
});
