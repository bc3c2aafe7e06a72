import type { ActionDecl } from '../plan/model.js';
import type { RiskNote } from './diff-model.js';
import { sameData, showValue } from './flatten.js';

interface Request {
  readonly name?: string;
  readonly method?: string;
  readonly path?: string;
  readonly expect?: {
    readonly status?: number | readonly number[];
    readonly body_contains?: string | readonly string[];
    readonly body_not_contains?: string | readonly string[];
    readonly json?: Readonly<Record<string, unknown>>;
    readonly headers?: Readonly<Record<string, unknown>>;
  };
}

const requestsOf = (a: ActionDecl): readonly Request[] => (Array.isArray(a.spec.requests) ? (a.spec.requests as Request[]) : []);

/** How a reviewer recognises a request across two versions: its name, else its method and path. */
const requestKey = (r: Request) => r.name ?? `${(r.method ?? 'GET').toUpperCase()} ${r.path ?? ''}`;
const requestLabel = (r: Request) => (r.name ? `request "${r.name}"` : `request ${requestKey(r)}`);
const list = <T>(v: T | readonly T[] | undefined): readonly T[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];
const quoted = (xs: readonly unknown[]) => xs.map((x) => `"${String(x)}"`).join(', ');

/** Statuses a request accepts, as text; absent means any 2xx. */
const statusText = (s: Request['expect']) => (s?.status === undefined ? 'any 2xx' : list(s.status).join(', '));

/** True when `after` accepts a status that `before` did not. */
function statusWidened(before: Request['expect'], after: Request['expect']): boolean {
  const was = before?.status === undefined ? undefined : list(before.status);
  const now = after?.status === undefined ? undefined : list(after.status);
  if (now === undefined) return was !== undefined && was.some((s) => s >= 200 && s <= 299);
  if (was === undefined) return now.some((s) => s < 200 || s > 299);
  return now.some((s) => !was.includes(s));
}

/** Checks of one kind (json paths, headers) that are gone or now accept something else. */
function mapChecks(
  what: string,
  before: Readonly<Record<string, unknown>> | undefined,
  after: Readonly<Record<string, unknown>> | undefined,
): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(before ?? {})) {
    if (after?.[key] === undefined) out.push(`no longer checks ${what} ${key}`);
    else if (!sameData(after[key], value)) out.push(`checks ${what} ${key} against ${showValue(after[key])} (was ${showValue(value)})`);
  }
  return out;
}

/** What one request no longer insists on, each as a short clause. */
function loosenedClauses(before: Request, after: Request): string[] {
  const a = before.expect;
  const b = after.expect;
  const out: string[] = [];
  if (statusWidened(a, b)) out.push(`accepts status ${statusText(b)} (was ${statusText(a)})`);
  const gone = (field: 'body_contains' | 'body_not_contains') => list(a?.[field]).filter((s) => !list(b?.[field]).includes(s));
  const contains = gone('body_contains');
  if (contains.length > 0) out.push(`no longer checks that the body contains ${quoted(contains)}`);
  const absent = gone('body_not_contains');
  if (absent.length > 0) out.push(`no longer checks that the body lacks ${quoted(absent)}`);
  out.push(...mapChecks('JSON path', a?.json, b?.json), ...mapChecks('header', a?.headers, b?.headers));
  return out;
}

/** Risk notes for an http-smoke step whose requests check less than before: a request gone, a status list widened, a body or JSON check removed. */
export function httpChecksLoosened(id: string, before: ActionDecl, after: ActionDecl): RiskNote[] {
  if (before.kind !== 'http-smoke' || after.kind !== 'http-smoke') return [];
  const now = new Map(requestsOf(after).map((r) => [requestKey(r), r]));
  const notes: RiskNote[] = [];
  for (const old of requestsOf(before)) {
    const same = now.get(requestKey(old));
    if (!same) {
      notes.push({
        risk: 'check-loosened',
        message: `check loosened: step "${id}" no longer sends ${requestLabel(old)}, so nothing checks its answer`,
      });
      continue;
    }
    const clauses = loosenedClauses(old, same);
    if (clauses.length > 0)
      notes.push({
        risk: 'check-loosened',
        message: `check loosened: ${requestLabel(old)} of step "${id}" ${clauses.join('; ')}; make sure it still fails when it should`,
      });
  }
  return notes;
}
