/**
 * `SELECT * FROM unnest($1::text[], $2::int[], …)`: rows made of one array parameter per column,
 * of these element types. An INSERT from it is one statement text with a fixed number of
 * parameters whatever the row count (a VALUES list has a parameter per value, a text per row
 * count, and PostgreSQL's limit of 65,535 parameters).
 */
export function unnestSelect(types: readonly string[]): string {
  return `SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`;
}
