// The repository holds its own reference (docs/): every relative link in README.md and
// docs/*.md must point at a file that exists and, when it names an anchor, at a heading of
// that file; and no source, test or template may send readers outside the repository.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const markdownFiles = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f)),
];

/** The text outside fenced code blocks and inline code spans, where links are links. */
function prose(text: string): string {
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link { from: string; target: string }

function relativeLinks(file: string): Link[] {
  const links: Link[] = [];
  for (const m of prose(readFileSync(file, 'utf8')).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    links.push({ from: file, target });
  }
  return links;
}

const all = markdownFiles.flatMap(relativeLinks);

describe('links in README.md and docs/', () => {
  it('finds the documents and their links', () => {
    for (const doc of ['docs/language.md', 'docs/operations.md', 'docs/formats.md', 'docs/cli.md']) {
      expect(existsSync(join(root, doc)), doc).toBe(true);
    }
    expect(all.length).toBeGreaterThan(20);
  });

  it('every relative link points at an existing file and heading', () => {
    const broken: string[] = [];
    for (const { from, target } of all) {
      const [pathPart, anchor] = target.split('#') as [string, string | undefined];
      const file = pathPart === '' ? from : resolve(dirname(from), decodeURIComponent(pathPart));
      const where = `${relative(root, from)} → ${target}`;
      if (!existsSync(file)) {
        broken.push(`${where}: no such file`);
        continue;
      }
      if (anchor !== undefined && anchor !== '') {
        if (!file.endsWith('.md') || statSync(file).isDirectory()) continue;
        if (!anchors(file).has(anchor)) broken.push(`${where}: no heading with anchor #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the reference is inside the repository', () => {
  const outside = ['..', 'shared', ''].join('/'); // not written out, so this file does not match
  const self = fileURLToPath(import.meta.url);

  function filesUnder(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesUnder(p);
      return [p];
    });
  }

  it(`no file under src/, test/ or templates/ mentions ${outside}`, () => {
    const offenders = ['src', 'test', 'templates']
      .flatMap((d) => filesUnder(join(root, d)))
      .filter((f) => f !== self && readFileSync(f, 'utf8').includes(outside))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});
