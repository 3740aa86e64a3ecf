// A readable line diff for snapshot failures: `-` lines only in the expected text, `+` lines
// only in the actual one, with up to `context` unchanged lines around each change.

export function lineDiff(expected: string, actual: string, context = 2): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  // Longest common subsequence table, suffix form: lcs[i][j] for a[i..], b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Int32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { tag: ' ' | '-' | '+'; text: string; line: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { ops.push({ tag: ' ', text: a[i], line: i + 1 }); i++; j++; }
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) { ops.push({ tag: '-', text: a[i], line: i + 1 }); i++; }
    else { ops.push({ tag: '+', text: b[j], line: i + 1 }); j++; }
  }
  const keep = ops.map((_, k) => ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.tag !== ' '));
  const out: string[] = [];
  let skipped = false;
  ops.forEach((o, k) => {
    if (!keep[k]) { skipped = true; return; }
    if (skipped || out.length === 0) out.push(`@@ expected line ${o.line} @@`);
    skipped = false;
    out.push(`${o.tag} ${o.text}`);
  });
  return out.join('\n');
}
