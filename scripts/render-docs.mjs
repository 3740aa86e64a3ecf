// The HTML version of docs/language.md, with every ```cnn block highlighted by shiki using
// the project's TextMate grammar (grammar/cnn.tmLanguage.json), so the language looks the
// same in the docs as in an editor. The docs are Markdown (GitHub shows them, and knows no
// .cnn): this page is the one place they are HTML. `npm run docs` rewrites
// docs/language.html; test/docs-html.test.ts checks it is up to date.
import MarkdownIt from 'markdown-it';
import { createHighlighter } from 'shiki';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const THEME = 'github-light';

/** GitHub's anchor for a heading, so the page's `#…` links work as on GitHub. */
export function slug(text) {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

export async function renderMarkdown(markdown, title) {
  const grammar = JSON.parse(readFileSync(`${root}grammar/cnn.tmLanguage.json`, 'utf8'));
  const highlighter = await createHighlighter({ themes: [THEME], langs: [{ ...grammar, name: 'cnn' }] });
  const md = new MarkdownIt({
    html: false,
    highlight: (code, lang) => (lang === 'cnn' ? highlighter.codeToHtml(code.replace(/\n$/, ''), { lang: 'cnn', theme: THEME }) : ''),
  });
  md.core.ruler.push('heading_ids', (state) => {
    const seen = new Map();
    state.tokens.forEach((t, i) => {
      if (t.type !== 'heading_open') return;
      const base = slug(state.tokens[i + 1].children.map((c) => c.content).join(''));
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      t.attrSet('id', n === 0 ? base : `${base}-${n}`);
    });
  });
  const body = md.render(markdown);
  highlighter.dispose();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
body { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; font: 16px/1.5 system-ui, sans-serif; color: #1f2328; }
pre { padding: .8rem 1rem; overflow-x: auto; border-radius: 6px; background: #f6f8fa; }
code { font: 13.6px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; }
</style>
</head>
<body>
<!-- Generated from docs/language.md by scripts/render-docs.mjs (npm run docs); do not edit. -->
${body}</body>
</html>
`;
}

export async function renderLanguageDoc() {
  return renderMarkdown(readFileSync(`${root}docs/language.md`, 'utf8'), 'The .cnn language');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(`${root}docs/language.html`, await renderLanguageDoc());
  process.stderr.write('wrote docs/language.html\n');
}
