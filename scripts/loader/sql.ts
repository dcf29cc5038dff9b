// SQL text is only ever built from names and file paths this code controls;
// data travels in files. Paths still get quoted properly.

/** A SQL string literal: single quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL list of string literals, e.g. for read_parquet([...]). */
export function sqlStringList(values: string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}
