import { posix } from 'node:path';
import type { ActionDecl, Plan } from '../plan/model.js';
import type { StepKindRegistry } from '../steps/kind.js';
import { flatten } from './flatten.js';
import type { StaticRenderer } from './static-render.js';

/** Leaves that hold SQL or a shell command, where table names are read from `from`, `join`, `into`, `update`, `table`. */
const codeLeaf = /^(query|sql|run)(\[\d+\])?$/;
const sqlTable = /\b(?:from|join|into|update|table(?:\s+if\s+(?:not\s+)?exists)?)\s+["`]?([A-Za-z_][\w.]*)["`]?/gi;
/** Leaves that are URLs or URL paths of a web app, not files. */
const webLeaf = /(^|\.)(base_url|path|url)$/;
const separators = /[\s"'`;|&<>()=,]+/;
const fileLike = /^(?:[\w.~-]*\/[\w.\/~-]*|[\w-]*\.[A-Za-z][\w]{0,5})$/;

function filesIn(text: string): string[] {
  return text
    .split(separators)
    .map((t) => t.replace(/[.:]+$/, ''))
    .filter((t) => !t.includes('://') && !t.startsWith('-') && /[A-Za-z]/.test(t) && fileLike.test(t))
    .map((t) => posix.normalize(t));
}

/**
 * The data an action names in its fields, as a reviewer would say it: `table files`,
 * `file /srv/app/.env`, `database target`. Used to tell when reordering two steps changes what
 * one of them finds. A heuristic over rendered text: it names, it does not prove.
 */
export function namedData(action: ActionDecl, plan: Plan, renderer: StaticRenderer, kinds: StepKindRegistry): Set<string> {
  const names = new Set<string>();
  const connectionFields = kinds.get(action.kind)?.connectionFields ?? [];
  for (const leaf of flatten(action.spec)) {
    if (leaf.path === 'tables' && Array.isArray(leaf.value)) leaf.value.forEach((t) => names.add(`table ${String(t)}`));
    const where = /^where\.(.+)$/.exec(leaf.path);
    if (where) names.add(`table ${where[1]!}`);
    if (typeof leaf.value !== 'string') continue;
    const text = renderer.render(leaf.value);
    if (connectionFields.includes(leaf.path)) {
      const conn = plan.connections.find((c) => c.name === text);
      if (conn?.type === 'sqlite') names.add(`file ${posix.normalize(renderer.render(conn.path))}`);
      else if (conn) names.add(`database ${conn.name}`);
      continue;
    }
    if (codeLeaf.test(leaf.path)) for (const m of text.matchAll(sqlTable)) names.add(`table ${m[1]!.toLowerCase()}`);
    if (!webLeaf.test(leaf.path)) for (const f of filesIn(text)) names.add(`file ${f}`);
  }
  return names;
}
