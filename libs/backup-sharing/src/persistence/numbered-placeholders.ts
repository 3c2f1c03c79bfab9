// PostgreSQL numbers its parameters ($1, $2, ...); the module's statements are written once, with
// MySQL's and SQLite's `?`. Each statement text is rewritten once and kept: the same few shapes
// run on every request, and the rewrite is a scan of the whole text.

/** Statement texts kept, oldest dropped first (IN lists of every length stay well below it). */
const CACHE_SIZE = 1000;
const rewritten = new Map<string, string>();

/**
 * `sql` with every `?` outside a quoted string or identifier replaced by `$1`, `$2`, ... in order.
 * Inside `'...'` (with `''` as an escaped quote) and `"..."` a `?` is text and stays.
 */
export function numberPlaceholders(sql: string): string {
  let text = '';
  let count = 0;
  let quote: string | null = null;
  let from = 0;
  for (let index = 0; index < sql.length; index++) {
    const char = sql[index];
    if (quote !== null) {
      // A doubled quote closes and reopens the string: the scan stays right either way.
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '?') {
      text += `${sql.slice(from, index)}$${++count}`;
      from = index + 1;
    }
  }
  return text + sql.slice(from);
}

/** `numberPlaceholders`, once per distinct statement text. */
export function numberedStatement(sql: string): string {
  let text = rewritten.get(sql);
  if (text === undefined) {
    text = numberPlaceholders(sql);
    rewritten.set(sql, text);
    if (rewritten.size > CACHE_SIZE) rewritten.delete(rewritten.keys().next().value!);
  }
  return text;
}
