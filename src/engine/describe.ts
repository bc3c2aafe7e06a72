import { allSteps, type ActionDecl, type Plan } from '../plan/model.js';
import type { ConnectionSpec } from '../core/connection.js';
import type { DescribeLine, StepKindRegistry } from '../steps/kind.js';
import { TemplateError, TemplateRenderer, type TemplateScope } from '../template/render.js';
import { shellQuote } from '../core/shell-quote.js';
import type { Masker } from '../core/mask.js';
import { fragmentScope } from './fragment-scope.js';
import { buildScope, placeholderSteps, renderConnection } from './scope.js';

/** One action as a dry run shows it. */
export interface ActionDescription {
  readonly kind: string;
  readonly title?: string;
  readonly when?: string;
  readonly timeout?: string | number;
  readonly retries?: number;
  readonly continueOnError?: boolean;
  readonly lines: readonly DescribeLine[];
  /** Why the action could not be rendered fully (a value known only at run time). */
  readonly unrendered?: string;
}

/** One step as a dry run shows it, with what would undo it. */
export interface StepDescription extends ActionDescription {
  readonly index: number;
  readonly id: string;
  readonly description?: string;
  readonly rollback: readonly ActionDescription[];
  /** The kind's built-in inverse (e.g. "restore the file byte-for-byte"), if it has one. */
  readonly builtInUndo?: string;
  /** A finally step: it runs after the others whatever happened. */
  readonly finally?: boolean;
  /** A copy of a `for_each` step: the step it repeats and the item it reads. */
  readonly item?: { readonly of: string; readonly index: number; readonly value: string };
}

/** The whole plan as a dry run shows it; every text already masked. */
export interface PlanDescription {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly steps: readonly StepDescription[];
}

/** What a dry run renders with. */
export interface DescribeOptions {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly masker: Masker;
  /** The kinds the plan's steps are of. */
  readonly kinds: StepKindRegistry;
  readonly now?: Date;
  /** Shell commands as they run (references, then each value) or, for documents, with the values written in. */
  readonly shellForm?: 'executed' | 'display';
}

/** Renders what each action would do without running anything; secrets masked. Pure. */
export function describePlan(plan: Plan, input: DescribeOptions): PlanDescription {
  const renderer = new TemplateRenderer(input.now ?? new Date());
  const stepsScope: TemplateScope = buildScope({
    plan,
    vars: input.vars,
    env: input.env,
    steps: placeholderSteps(plan),
    run: { id: '<run-id>', dir: '<run-dir>', cwd: process.cwd(), started_at: '<started-at>' },
  });
  const mask = (t: string) => input.masker.mask(t);
  const connection = (name: string): ConnectionSpec | undefined => {
    const decl = plan.connections.find((c) => c.name === name);
    if (!decl) return undefined;
    try {
      return renderConnection(decl, renderer, stepsScope);
    } catch {
      return undefined;
    }
  };
  const describeAction = (a: ActionDecl, item?: { readonly value: unknown }): ActionDescription => {
    const scope = safeScope(() => fragmentScope(item ? { ...stepsScope, item: item.value } : stepsScope, a, renderer), stepsScope);
    const kind = input.kinds.get(a.kind);
    const common = {
      kind: a.kind,
      ...(a.title !== undefined && { title: mask(a.title.includes('{{') ? safeRender(renderer, a.title, scope) : a.title) }),
      ...(a.when !== undefined && { when: mask(a.when) }),
      ...(a.timeout !== undefined && { timeout: a.timeout }),
      ...(a.retries !== undefined && { retries: a.retries }),
      ...(a.continue_on_error !== undefined && { continueOnError: a.continue_on_error }),
    };
    if (!kind) return { ...common, lines: [], unrendered: `unknown kind ${a.kind}` };
    try {
      const form = input.shellForm ?? 'executed';
      const { spec, values } = renderer.renderAction(a.spec, scope, kind.shellFields, { form, mask });
      // The command as it runs reads each value from a variable; the reviewer sees both.
      // Masked before quoting: quoting a secret that holds a ' would hide it from the masker.
      const valueLines =
        form === 'display'
          ? []
          : values.all().map((v) => ({ label: v.name, text: `${shellQuote(mask(v.value))}  ← ${mask(v.expression)}` }));
      const lines = [...kind.describe(spec, { connection, mask }).map((l) => ({ label: l.label, text: mask(l.text) })), ...valueLines];
      return { ...common, lines };
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      const lines = kind.describe(a.spec, { connection, mask }).map((l) => ({ label: l.label, text: mask(l.text) }));
      return { ...common, lines, unrendered: mask(e.message) };
    }
  };
  const finallyFrom = plan.steps.length;
  const steps = allSteps(plan).map((s, index): StepDescription => {
    const kind = input.kinds.get(s.kind);
    return {
      ...describeAction(s, s.item),
      index,
      id: s.id,
      ...(s.description !== undefined && { description: mask(s.description) }),
      ...(index >= finallyFrom && { finally: true }),
      ...(s.item && {
        item: {
          of: s.item.of,
          index: s.item.index,
          value: mask(typeof s.item.value === 'string' ? s.item.value : JSON.stringify(s.item.value)),
        },
      }),
      rollback: s.rollback.map((r) => describeAction(r, s.item)),
      ...(kind?.undo && {
        builtInUndo: `${kind.undoSummary ?? `undo the ${kind.kind} step`}${s.undo_when !== undefined ? ` — only when ${s.undo_when}` : ''}`,
      }),
    };
  });
  return {
    name: plan.name,
    ...(plan.title !== undefined && { title: plan.title }),
    ...(plan.description !== undefined && { description: plan.description }),
    steps,
  };
}

/** A scope that needs rendering (an include's params), or the plain one when a value is known only at run time. */
function safeScope(make: () => TemplateScope, fallback: TemplateScope): TemplateScope {
  try {
    return make();
  } catch (e) {
    if (e instanceof TemplateError) return fallback;
    throw e;
  }
}

function safeRender(renderer: TemplateRenderer, text: string, scope: TemplateScope): string {
  try {
    return renderer.render(text, scope);
  } catch {
    return text;
  }
}
