/**
 * SQL written with `?` placeholders (knex's convention, used across the code
 * base) as PostgreSQL's numbered `$1, $2, …`. A `?` inside a string literal, a
 * quoted identifier or a comment is text, not a placeholder; `\?` is a literal
 * `?` (PostgreSQL's jsonb `?` operators). `??` (a knex identifier binding) is
 * refused: identifiers are never parameters here.
 *
 * Pure; the caller (sql.ts) caches the result per statement.
 */

export class PlaceholderError extends Error {
  override name = 'PlaceholderError';
}

export function numberedPlaceholders(sql: string, paramCount: number, label = 'statement'): string {
  const found = convert(sql, label);
  if (found.count !== paramCount) throw new PlaceholderError(`${label}: ${found.count} placeholder(s) in the SQL but ${paramCount} parameter(s)`);
  return found.text;
}

function convert(sql: string, label: string): { text: string; count: number } {
  let out = '';
  let count = 0;
  let i = 0;
  const copyUntil = (end: string, from: number): number => {
    const close = sql.indexOf(end, from);
    const stop = close < 0 ? sql.length : close + end.length;
    out += sql.slice(i, stop);
    return stop;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'") i = copyQuoted("'");
    else if (c === '"') i = copyQuoted('"');
    else if (c === '-' && next === '-') i = copyUntil('\n', i + 2);
    else if (c === '/' && next === '*') i = copyUntil('*/', i + 2);
    else if (c === '\\' && next === '?') {
      out += '?';
      i += 2;
    } else if (c === '?') {
      if (next === '?') throw new PlaceholderError(`${label}: \`??\` (an identifier binding) is not supported`);
      out += `$${++count}`;
      i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return { text: out, count };

  // A quoted run ends at the first lone quote; a doubled quote is an escaped one.
  function copyQuoted(quote: string): number {
    let j = i + 1;
    for (;;) {
      const close = sql.indexOf(quote, j);
      if (close < 0) {
        j = sql.length;
        break;
      }
      if (sql[close + 1] === quote) {
        j = close + 2;
        continue;
      }
      j = close + 1;
      break;
    }
    out += sql.slice(i, j);
    return j;
  }
}
