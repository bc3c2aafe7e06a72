import jsep from 'jsep';

/** A parsed `when:` condition, or where it stops making sense. */
export type ConditionParse =
  | { readonly ok: true; readonly ast: jsep.Expression; readonly references: readonly (readonly string[])[] }
  | { readonly ok: false; readonly message: string; readonly index: number };

// Step ids are kebab-case (steps.target-version.outputs.value), and conditions have no
// subtraction, so '-' belongs to names. A negative number then reads as a name like "-1".
jsep.addIdentifierChar('-');
const numberName = /^-?\d+(\.\d+)?$/;

const binaryOps = new Set(['==', '!=', '===', '!==', '<', '<=', '>', '>=', '&&', '||']);

function memberPath(node: jsep.Expression): string[] | undefined {
  if (node.type === 'Identifier') return [(node as jsep.Identifier).name];
  if (node.type === 'MemberExpression') {
    const m = node as jsep.MemberExpression;
    const base = memberPath(m.object);
    if (!base) return undefined;
    if (!m.computed && m.property.type === 'Identifier') return [...base, (m.property as jsep.Identifier).name];
    if (m.computed && m.property.type === 'Literal') return [...base, String((m.property as jsep.Literal).value)];
  }
  return undefined;
}

/**
 * Parses a condition such as `vars.transfer_tool == "pgloader" && !vars.dry`. Only comparisons,
 * `&&`, `||`, `!`, parentheses, literals and references are allowed: no calls, no assignments.
 */
export function parseCondition(text: string): ConditionParse {
  if (text.includes('{{')) {
    return {
      ok: false,
      message: 'a condition is an expression, not a template: write vars.x instead of {{vars.x}}',
      index: text.indexOf('{{'),
    };
  }
  let ast: jsep.Expression;
  try {
    ast = jsep(text);
  } catch (e) {
    const err = e as Error & { index?: number; description?: string };
    const text = (err.description ?? err.message).replace(/ at character \d+$/, '');
    return { ok: false, message: text.charAt(0).toLowerCase() + text.slice(1), index: err.index ?? 0 };
  }
  const references: string[][] = [];
  let problem: string | undefined;
  const walk = (n: jsep.Expression): void => {
    if (problem) return;
    switch (n.type) {
      case 'Literal':
        return;
      case 'Identifier':
      case 'MemberExpression': {
        if (n.type === 'Identifier' && numberName.test((n as jsep.Identifier).name)) return;
        const p = memberPath(n);
        if (!p) problem = 'only plain references like vars.name or steps.id.outputs.name are allowed';
        else if (p.length === 1 && (p[0] === 'true' || p[0] === 'false' || p[0] === 'null')) return;
        else references.push(p);
        return;
      }
      case 'BinaryExpression': {
        const b = n as jsep.BinaryExpression;
        if (!binaryOps.has(b.operator)) problem = `operator "${b.operator}" is not allowed (use == != < <= > >= && ||)`;
        walk(b.left);
        walk(b.right);
        return;
      }
      case 'UnaryExpression': {
        const u = n as jsep.UnaryExpression;
        if (u.operator !== '!' && u.operator !== '-') problem = `operator "${u.operator}" is not allowed`;
        walk(u.argument);
        return;
      }
      case 'Compound':
        problem = 'a condition is one expression; join parts with && or ||';
        return;
      default:
        problem = `${n.type.replace(/Expression$/, '').toLowerCase()} expressions are not allowed in a condition`;
    }
  };
  walk(ast);
  if (problem) return { ok: false, message: problem, index: 0 };
  return { ok: true, ast, references };
}

function valueOf(path: readonly string[], scope: Readonly<Record<string, unknown>>): unknown {
  return path.reduce<unknown>((cur, k) => (cur === undefined || cur === null ? undefined : (cur as Record<string, unknown>)[k]), scope);
}

/** Loose equality that treats "true"/true and "1"/1 alike, as values from the command line are text. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return a == b;
  return String(a) === String(b);
}

/** Evaluates a parsed condition against the run's values. */
export function evaluateCondition(ast: jsep.Expression, scope: Readonly<Record<string, unknown>>): unknown {
  switch (ast.type) {
    case 'Literal':
      return (ast as jsep.Literal).value;
    case 'Identifier':
    case 'MemberExpression': {
      if (ast.type === 'Identifier' && numberName.test((ast as jsep.Identifier).name)) return Number((ast as jsep.Identifier).name);
      const p = memberPath(ast)!;
      if (p.length === 1 && p[0] === 'true') return true;
      if (p.length === 1 && p[0] === 'false') return false;
      if (p.length === 1 && p[0] === 'null') return null;
      return valueOf(p, scope);
    }
    case 'UnaryExpression': {
      const u = ast as jsep.UnaryExpression;
      const v = evaluateCondition(u.argument, scope);
      return u.operator === '!' ? !truthy(v) : -Number(v);
    }
    case 'BinaryExpression': {
      const b = ast as jsep.BinaryExpression;
      if (b.operator === '&&') return truthy(evaluateCondition(b.left, scope)) && truthy(evaluateCondition(b.right, scope));
      if (b.operator === '||') return truthy(evaluateCondition(b.left, scope)) || truthy(evaluateCondition(b.right, scope));
      const l = evaluateCondition(b.left, scope);
      const r = evaluateCondition(b.right, scope);
      switch (b.operator) {
        case '==':
        case '===':
          return same(l, r);
        case '!=':
        case '!==':
          return !same(l, r);
        case '<':
          return Number(l) < Number(r);
        case '<=':
          return Number(l) <= Number(r);
        case '>':
          return Number(l) > Number(r);
        case '>=':
          return Number(l) >= Number(r);
      }
    }
  }
  return undefined;
}

/** Truth as an operator means it: empty text, "false", "0", 0, null and undefined are false. */
export function truthy(v: unknown): boolean {
  if (typeof v === 'string') return v !== '' && v.toLowerCase() !== 'false' && v !== '0';
  return Boolean(v);
}
