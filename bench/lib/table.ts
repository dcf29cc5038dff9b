// A GitHub-flavoured markdown table, padded so it also reads well in a
// terminal.

function cell(value: string): string {
  // A pipe would end the cell; a newline would end the row.
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows].map((r) => headers.map((_, i) => cell(r[i] ?? '')));
  const widths = headers.map((_, i) => Math.max(3, ...all.map((r) => [...r[i]].length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join(' | ') + ' |';
  const rule = '| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |';
  return [line(all[0]), rule, ...all.slice(1).map(line)].join('\n');
}
