// Handlebars templates of templates/, compiled once, with escaping off (they produce code).
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templatesDir } from '../util/paths.js';

const cache = new Map<string, HandlebarsTemplateDelegate>();

export function render(name: 'header' | 'module' | 'dts' | 'test', data: object): string {
  let t = cache.get(name);
  if (!t) {
    t = Handlebars.compile(readFileSync(join(templatesDir(), `${name}.hbs`), 'utf8'), { noEscape: true, strict: true });
    cache.set(name, t);
  }
  return t(data);
}

/** Fixed text (the prelude helpers). */
export function templateText(name: string): string {
  return readFileSync(join(templatesDir(), `${name}.hbs`), 'utf8');
}
