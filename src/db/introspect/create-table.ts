import { isWord, matchParen, nameOf, splitTopLevel, textOf, tokenize, type SqlToken } from './sql-text.js';

/** What a CREATE TABLE statement says that the PRAGMAs do not. */
export interface CreateTableFacts {
  readonly autoincrement: boolean;
  /** Column name → its COLLATE, expression of a generated column. */
  readonly columns: ReadonlyMap<string, { readonly collate: string | null; readonly generatedExpr: string | null }>;
  readonly checks: readonly { readonly name: string | null; readonly expr: string; readonly column: string | null }[];
  /** Names given with CONSTRAINT, keyed by kind and column list ("u:a,b", "f:a", "p:a"). */
  readonly constraintNames: ReadonlyMap<string, string>;
}

/** Key under which a named constraint is found: kind letter and lower-cased column list. */
export function constraintKey(kind: 'u' | 'f' | 'p', columns: readonly string[]): string {
  return `${kind}:${columns.map((c) => c.toLowerCase()).join(',')}`;
}

function parenNames(tokens: readonly SqlToken[], open: number): { names: string[]; close: number } {
  const close = matchParen(tokens, open);
  const names = splitTopLevel(tokens.slice(open + 1, close)).map((part) => nameOf(part[0]));
  return { names, close };
}

/** Reads constraint names, CHECKs, AUTOINCREMENT, COLLATE and generated expressions from CREATE TABLE text. */
export function parseCreateTable(sql: string): CreateTableFacts {
  const tokens = tokenize(sql);
  const open = tokens.findIndex((t) => t.type === 'open');
  const facts = {
    autoincrement: false,
    columns: new Map<string, { collate: string | null; generatedExpr: string | null }>(),
    checks: [] as { name: string | null; expr: string; column: string | null }[],
    constraintNames: new Map<string, string>(),
  };
  if (open < 0) return facts;
  const close = matchParen(tokens, open);
  for (const item of splitTopLevel(tokens.slice(open + 1, close))) {
    const head = item[0];
    const isTableConstraint = ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN'].some((w) => isWord(head, w));
    const column = isTableConstraint ? null : nameOf(head);
    let pendingName: string | null = null;
    let collate: string | null = null;
    let generatedExpr: string | null = null;
    for (let i = isTableConstraint ? 0 : 1; i < item.length; i++) {
      const t = item[i] as SqlToken;
      if (isWord(t, 'CONSTRAINT')) {
        pendingName = nameOf(item[i + 1]);
        i++;
        continue;
      }
      if (isWord(t, 'AUTOINCREMENT')) facts.autoincrement = true;
      if (isWord(t, 'COLLATE')) collate = nameOf(item[i + 1]).toUpperCase();
      if (isWord(t, 'CHECK') && item[i + 1]?.type === 'open') {
        const end = matchParen(item, i + 1);
        facts.checks.push({ name: pendingName, expr: textOf(sql, item, i + 2, end - 1), column });
        pendingName = null;
        i = end;
        continue;
      }
      if (isWord(t, 'AS') && item[i + 1]?.type === 'open' && column !== null) {
        const end = matchParen(item, i + 1);
        generatedExpr = textOf(sql, item, i + 2, end - 1);
        i = end;
        continue;
      }
      if (isTableConstraint && (isWord(t, 'UNIQUE') || isWord(t, 'PRIMARY') || isWord(t, 'FOREIGN'))) {
        const at = item.findIndex((x, k) => k > i && x.type === 'open');
        if (at > 0) {
          const { names, close: end } = parenNames(item, at);
          const kind = isWord(t, 'UNIQUE') ? 'u' : isWord(t, 'PRIMARY') ? 'p' : 'f';
          if (pendingName) facts.constraintNames.set(constraintKey(kind, names), pendingName);
          pendingName = null;
          i = end;
          continue;
        }
      }
      if (column !== null && pendingName && (isWord(t, 'UNIQUE') || isWord(t, 'PRIMARY') || isWord(t, 'REFERENCES'))) {
        const kind = isWord(t, 'UNIQUE') ? 'u' : isWord(t, 'PRIMARY') ? 'p' : 'f';
        facts.constraintNames.set(constraintKey(kind, [column]), pendingName);
        pendingName = null;
      }
    }
    if (column !== null) facts.columns.set(column, { collate, generatedExpr });
  }
  return facts;
}

/** The parts of a CREATE INDEX statement: each indexed term as written, and the WHERE clause. */
export function parseCreateIndex(sql: string): { readonly terms: readonly string[]; readonly where: string | null } {
  const tokens = tokenize(sql);
  const on = tokens.findIndex((t) => isWord(t, 'ON'));
  const open = tokens.findIndex((t, i) => i > on && t.type === 'open');
  if (on < 0 || open < 0) return { terms: [], where: null };
  const close = matchParen(tokens, open);
  const terms = splitTopLevel(tokens.slice(open + 1, close)).map((part) =>
    sql.slice((part[0] as SqlToken).start, (part[part.length - 1] as SqlToken).end),
  );
  const whereAt = tokens.findIndex((t, i) => i > close && isWord(t, 'WHERE'));
  const where = whereAt < 0 ? null : textOf(sql, tokens, whereAt + 1, tokens.length - 1);
  return { terms, where };
}
