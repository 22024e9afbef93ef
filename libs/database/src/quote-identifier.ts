/** A PostgreSQL identifier (schema, table) quoted for SQL text, where parameters cannot go. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
