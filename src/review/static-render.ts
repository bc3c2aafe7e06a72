import { buildScope, placeholderSteps } from '../engine/scope.js';
import type { ActionDecl, Plan, StepDecl, VarValue } from '../plan/model.js';
import { TemplateError, TemplateRenderer, type RenderMode, type TemplateScope } from '../template/render.js';
import { Masker } from '../core/mask.js';

const clockCall = /\{\{~?\s*now(?:\s+(["'])(.*?)\1)?[^}]*?~?\}\}/g;

/**
 * Replaces `{{now "fmt"}}` with a readable placeholder, so reviewed text does not change with
 * the time it is read at and never pretends to know when the run will start.
 */
export function withoutClock(text: string): string {
  return text.replace(clockCall, (_, _q: string | undefined, format: string | undefined) => `<now:${format ?? "yyyy-MM-dd'T'HH:mm:ss"}>`);
}

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

function actionWithoutClock<A extends ActionDecl>(a: A): A {
  return {
    ...a,
    ...(a.title !== undefined && { title: withoutClock(a.title) }),
    spec: mapStrings(a.spec, withoutClock) as Record<string, unknown>,
  };
}

/** The plan with every clock template replaced by its placeholder (see withoutClock). */
export function planWithoutClock(plan: Plan): Plan {
  const strip = (s: StepDecl): StepDecl => ({ ...actionWithoutClock(s), rollback: s.rollback.map(actionWithoutClock) });
  return { ...plan, steps: plan.steps.map(strip), finally: plan.finally.map(strip) };
}

/** Var values a reviewer can know before the run: the default, else a `<vars.NAME>` placeholder. */
export function reviewVars(plan: Plan): Record<string, VarValue> {
  return Object.fromEntries(plan.vars.map((v) => [v.name, v.default ?? `<vars.${v.name}>`]));
}

/** A masker for the secret defaults of every given plan (and, as always, URL passwords). */
export function reviewMasker(plans: readonly (Plan | undefined)[]): Masker {
  const secrets = plans.flatMap((p) => p?.vars.filter((v) => v.secret && v.default !== undefined).map((v) => String(v.default)) ?? []);
  return new Masker(secrets);
}

/** Renders one template string as far as it is known before the run; the raw text when it cannot. */
export class StaticRenderer {
  private readonly renderer = new TemplateRenderer(new Date(0));
  private readonly scope: TemplateScope;

  constructor(
    plan: Plan,
    private readonly masker: Masker,
  ) {
    this.scope = buildScope({
      plan,
      vars: reviewVars(plan),
      env: {},
      steps: placeholderSteps(plan),
      run: { id: '<run.id>', dir: '<run.dir>', started_at: '<run.started_at>' },
    });
  }

  /** The rendered text, or the template itself when it reads a value only the run knows. */
  render(text: string, mode: RenderMode = 'text'): string {
    const src = withoutClock(text);
    if (!src.includes('{{')) return src;
    try {
      if (mode === 'text') return this.renderer.render(src, this.scope);
      // raw is allowed here: validation reports a {{{ }}} that lacks it; review shows what it would run.
      return this.renderer.renderShell(src, this.scope, { raw: true, mask: (t) => this.masker.mask(t) }).display;
    } catch (e) {
      if (e instanceof TemplateError) return text;
      throw e;
    }
  }
}
