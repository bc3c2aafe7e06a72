/**
 * A small scanner for the SQL text SQLite keeps in `sqlite_schema`: PRAGMAs do not give
 * constraint names, CHECK expressions, AUTOINCREMENT, generated-column expressions or the
 * text of expression indexes, so those are read from the CREATE statements.
 */

/** One token of SQLite SQL with its place in the text. */
export interface SqlToken {
  readonly type: 'word' | 'ident' | 'string' | 'number' | 'open' | 'close' | 'comma' | 'op';
  /** For `ident` the unquoted name; otherwise the text as written. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const closers: Record<string, string> = { '"': '"', '`': '`', '[': ']' };

/** Splits SQL text into tokens, skipping comments and white space. */
export function tokenize(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? sql.length : e + 2;
      continue;
    }
    const start = i;
    if (c === "'") {
      i++;
      while (i < sql.length && !(sql[i] === "'" && sql[i + 1] !== "'")) i += sql[i] === "'" ? 2 : 1;
      i++;
      out.push({ type: 'string', text: sql.slice(start, i), start, end: i });
    } else if (c in closers) {
      const close = closers[c] as string;
      i++;
      let name = '';
      while (i < sql.length) {
        if (sql[i] === close) {
          if (close !== ']' && sql[i + 1] === close) {
            name += close;
            i += 2;
            continue;
          }
          break;
        }
        name += sql[i];
        i++;
      }
      i++;
      out.push({ type: 'ident', text: name, start, end: i });
    } else if (c === '(') {
      i++;
      out.push({ type: 'open', text: c, start, end: i });
    } else if (c === ')') {
      i++;
      out.push({ type: 'close', text: c, start, end: i });
    } else if (c === ',') {
      i++;
      out.push({ type: 'comma', text: c, start, end: i });
    } else if (/[0-9.]/.test(c) && /[0-9]/.test(sql[i + 1] ?? c)) {
      const m = /^(0x[0-9a-f]+|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?)/i.exec(sql.slice(i));
      i += m ? m[0].length : 1;
      out.push({ type: 'number', text: sql.slice(start, i), start, end: i });
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i] as string)) i++;
      out.push({ type: 'word', text: sql.slice(start, i), start, end: i });
    } else {
      const two = sql.slice(i, i + 2);
      i += ['||', '<=', '>=', '<>', '!=', '==', '<<', '>>', '->'].includes(two) ? 2 : 1;
      out.push({ type: 'op', text: sql.slice(start, i), start, end: i });
    }
  }
  return out;
}

/** True when a token is the given keyword (case-insensitive, unquoted). */
export function isWord(t: SqlToken | undefined, word: string): boolean {
  return t !== undefined && t.type === 'word' && t.text.toUpperCase() === word;
}

/** Index of the token closing the parenthesis opened at `open`. */
export function matchParen(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (t.type === 'open') depth++;
    else if (t.type === 'close' && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** Splits tokens at top-level commas. */
export function splitTopLevel(tokens: readonly SqlToken[]): SqlToken[][] {
  const parts: SqlToken[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.type === 'open') depth++;
    if (t.type === 'close') depth--;
    if (t.type === 'comma' && depth === 0) {
      parts.push([]);
      continue;
    }
    (parts[parts.length - 1] as SqlToken[]).push(t);
  }
  return parts.filter((p) => p.length > 0);
}

/** The SQL text spanned by tokens [from, to] inclusive. */
export function textOf(sql: string, tokens: readonly SqlToken[], from: number, to: number): string {
  const a = tokens[from];
  const b = tokens[to];
  return a && b ? sql.slice(a.start, b.end) : '';
}

/** A name token's value: quoted identifiers unquoted, plain words as written. */
export function nameOf(t: SqlToken | undefined): string {
  if (!t) return '';
  if (t.type === 'string') return t.text.slice(1, -1).replace(/''/g, "'");
  return t.text;
}

/**
 * Rewrites a SQLite expression for PostgreSQL where the spelling differs but the meaning
 * does not: `[x]` and `` `x` `` identifiers become "x". Everything else is kept as written.
 */
export function pgExpression(sql: string): string {
  const tokens = tokenize(sql);
  let out = '';
  let last = 0;
  for (const t of tokens) {
    if (t.type === 'ident' && sql[t.start] !== '"') {
      out += sql.slice(last, t.start) + `"${t.text.replace(/"/g, '""')}"`;
      last = t.end;
    }
  }
  return out + sql.slice(last);
}
