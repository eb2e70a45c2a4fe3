// PostgreSQL array literals, the text form an `unnest($1::text[], …)` parameter is sent in. Built
// here in one pass: node-postgres' own conversion of a JavaScript array costs a function call and
// two regular-expression replaces per element, several times as much, and a batch's usage rollup
// alone has ~20 numbers per token and day.

/** `{"a","b \"c\""}`: every element quoted (an empty string, `NULL`, commas and braces are then plain text), `"` and `\` escaped. */
export function textArrayLiteral(values: readonly string[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (i > 0) out += ',';
    out += value.includes('"') || value.includes('\\') ? `"${value.replace(/[\\"]/g, '\\$&')}"` : `"${value}"`;
  }
  return `${out}}`;
}

/** `{1,2,3}`: whole numbers, rounded, so that a fraction cannot fail the statement (and every later retry of it). */
export function intArrayLiteral(values: readonly number[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += Math.round(values[i]!);
  }
  return `${out}}`;
}
