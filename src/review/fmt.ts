import type { StepKindRegistry } from '../steps/kind.js';
import { isMap, isPair, isScalar, isSeq, parseDocument, Scalar, visit, type Document, type YAMLMap } from 'yaml';
import { listComments } from './comments.js';
import { keepWrittenText, keptTextTag } from './kept-text.js';
import { sameData } from './flatten.js';
import { planKeyOrder, stepKeyOrder, varKeyOrder } from './key-order.js';

/** The outcome of formatting one plan: the canonical text, or why it was left alone. */
export type FormatResult = { readonly text: string; readonly changed: boolean } | { readonly problem: string };

const keyName = (item: unknown): string => (isPair(item) && isScalar(item.key) ? String(item.key.value) : '');

/** Sorts a mapping's entries into `order` (unknown keys keep their place after the known ones); comments travel with their entry. */
function orderMap(map: unknown, order: readonly string[]): void {
  if (!isMap(map)) return;
  const rank = (item: unknown) => {
    const i = order.indexOf(keyName(item));
    return i < 0 ? order.length : i;
  };
  const before = map.items.map(keyName).join('\0');
  map.items = map.items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i)
    .map((x) => x.item);
  if (map.items.map(keyName).join('\0') === before) return;
  // A blank line before the first entry would open the mapping with an empty line.
  const first = map.items[0];
  if (isPair(first) && isScalar(first.key)) first.key.spaceBefore = false;
}

function stepKind(step: YAMLMap): string {
  const kind = step.get('kind');
  return typeof kind === 'string' ? kind : '';
}

/** Puts every mapping of the plan in canonical key order. */
function orderPlan(doc: Document.Parsed, kinds: StepKindRegistry): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  // Comments above the first key (the $schema modeline) stay at the top of the file, whichever key comes first.
  const first = root.items[0];
  const firstKey = isPair(first) && isScalar(first.key) ? first.key : undefined;
  const wasFirst = keyName(first);
  orderMap(root, planKeyOrder);
  if (firstKey?.commentBefore && keyName(root.items[0]) !== wasFirst) {
    doc.commentBefore = [doc.commentBefore, firstKey.commentBefore].filter(Boolean).join('\n');
    firstKey.commentBefore = undefined;
  }
  const vars = root.get('vars');
  if (isMap(vars)) for (const pair of vars.items) orderMap(pair.value, varKeyOrder);
  const steps = [root.get('steps'), root.get('finally')].flatMap((s) => (isSeq(s) ? s.items : []));
  for (const step of steps) {
    if (!isMap(step)) continue;
    orderMap(step, stepKeyOrder(stepKind(step), true, kinds));
    const rollback = step.get('rollback');
    if (isSeq(rollback))
      for (const action of rollback.items) if (isMap(action)) orderMap(action, stepKeyOrder(stepKind(action), false, kinds));
  }
}

/** Lets the writer choose the quoting of every plain or quoted string (block scalars keep their style). */
function normaliseQuoting(doc: Document.Parsed): void {
  visit(doc, {
    Scalar(_, node) {
      if (
        typeof node.value === 'string' &&
        (node.type === Scalar.PLAIN || node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)
      )
        node.type = undefined;
    },
  });
}

/**
 * Rewrites a plan in the canonical style: key order per step kind, 2-space indentation, quotes
 * only where YAML needs them; block scalars and wrapped text stay as written, every comment is kept. It refuses (returns a problem) when the
 * text does not parse, and checks its own output means the same and keeps the same comments.
 */
export function formatPlanText(text: string, kinds: StepKindRegistry): FormatResult {
  const doc = parseDocument(text, { keepSourceTokens: false, customTags: [keptTextTag] });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    return {
      problem: `not valid YAML${at ? ` (line ${at.line}, column ${at.col})` : ''}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    };
  }
  // No document (an empty file, or only comments): there is nothing to format, and writing `null` would make one.
  if (doc.contents === null) return { text, changed: false };
  let meaning: unknown;
  try {
    meaning = doc.toJS();
  } catch (e) {
    // An alias without its anchor, or aliases that expand too far: the loader refuses these too.
    return { problem: `not valid YAML: ${(e as Error).message}` };
  }
  orderPlan(doc, kinds);
  normaliseQuoting(doc);
  keepWrittenText(doc, text);
  const written = doc.toString({ indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0 });
  // Kept text carries its own CR; a CRLF plan is written with CRLF on every line, not a mix.
  const out = text.includes('\r\n') ? written.replace(/\r?\n/g, '\r\n') : written;
  const again = parseDocument(out);
  if (again.errors.length > 0 || !sameData(again.toJS(), meaning))
    return { problem: 'formatting would change the meaning of the plan; it was left as it is' };
  if (!sameData(listComments(out).sort(), listComments(text).sort()))
    return { problem: 'formatting would lose a comment; the plan was left as it is' };
  return { text: out, changed: out !== text };
}
