// File paths in SQL text (COPY ... TO cannot take a bound parameter): only
// paths the bench itself chose, quoted as SQL string literals.
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
