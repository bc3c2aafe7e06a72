import { dirname, resolve } from 'node:path';
import { allSteps, type ConnectionDecl, type Plan } from '../plan/model.js';
import type { ConnectionSpec } from '../core/connection.js';
import type { TemplateRenderer, TemplateScope } from '../template/render.js';

/** What a finished (or skipped) step exposes to later templates. */
export interface StepState {
  readonly status: 'succeeded' | 'failed' | 'skipped';
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** Builds the values templates read. */
export function buildScope(input: {
  readonly plan: Plan;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly steps: Readonly<Record<string, StepState | unknown>>;
  readonly run: Readonly<Record<string, unknown>>;
  readonly item?: unknown;
}): TemplateScope {
  return {
    ...(input.item !== undefined && { item: input.item }),
    vars: input.vars,
    env: Object.fromEntries(Object.entries(input.env).filter(([, v]) => v !== undefined)),
    steps: input.steps,
    run: input.run,
    plan: { name: input.plan.name, file: input.plan.file, dir: dirname(resolve(input.plan.file)) },
  };
}

/** Placeholder outputs for a dry run: every step reads back as `<steps.ID.outputs.NAME>`. */
export function placeholderSteps(plan: Plan): Record<string, unknown> {
  const entries = allSteps(plan).map((s) => {
    const outputs = new Proxy({} as Record<string, string>, {
      get: (_, name) => (typeof name === 'string' ? `<steps.${s.id}.outputs.${name}>` : undefined),
      has: () => true,
      getOwnPropertyDescriptor: (_, name) => ({
        value: `<steps.${s.id}.outputs.${String(name)}>`,
        configurable: true,
        enumerable: true,
        writable: false,
      }),
    });
    return [s.id, { status: '<status>', outputs }] as const;
  });
  return Object.fromEntries(entries);
}

/** Renders a declared connection into what a step kind receives. */
export function renderConnection(decl: ConnectionDecl, renderer: TemplateRenderer, scope: TemplateScope): ConnectionSpec {
  return decl.type === 'sqlite'
    ? { name: decl.name, type: 'sqlite', path: renderer.render(decl.path, scope) }
    : { name: decl.name, type: 'postgres', url: renderer.render(decl.url, scope) };
}
