// Bounds what a file can put into an error message: a name, key or string taken from a
// file is quoted at most `max` characters long (a weights header may claim a 4 GiB name),
// and a list of problems shows its first few and counts the rest.

/** JSON-quoted `text`, cut to `max` characters with the length said when longer. */
export function quoteClipped(text: string, max = 80): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, max))}… (${text.length} characters)`;
}

/** `text` itself when short and plain (a name as the model writes it), else quoteClipped. */
export function nameForMessage(text: string, max = 80): string {
  return text.length <= max && /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? text : quoteClipped(text, max);
}

/** The first `max` lines, then one line saying how many were left out. */
export function clipLines(lines: string[], max = 20): string[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `… and ${lines.length - max} more problems`];
}
