import { resolve } from 'node:path';
import type { Plan } from '../plan/model.js';
import type { StepContext } from '../steps/kind.js';
import type { Masker } from '../core/mask.js';
import type { TemplateRenderer, TemplateScope } from '../template/render.js';
import type { LiveEvent } from './events.js';
import { renderConnection } from './scope.js';

/** What a step's context is made of: the run's settings and state, and where its live output goes. */
export interface ContextSource {
  readonly plan: Plan;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly masker: Masker;
  readonly yes: boolean;
  readonly ask?: (question: string, signal: AbortSignal) => Promise<boolean>;
  readonly trail?: StepContext['trail'];
  readonly renderer: TemplateRenderer;
  /** What templates read now (connections render against it). */
  scope(): TemplateScope;
  live(e: LiveEvent): void;
}

/** What the step sees: live output and warnings go out as values (the observer masks them); a question is masked before it is asked. */
export function stepContext(
  source: ContextSource,
  stepId: string,
  stepDir: () => string,
  signal: AbortSignal,
  warnings: string[],
  values: Readonly<Record<string, string>>,
): StepContext {
  const { masker, ask } = source;
  return {
    stepId,
    workDir: source.cwd,
    // Made on first use: most steps never write a file of their own.
    get stepDir() {
      return stepDir();
    },
    // The values of shell fields come last: nothing earlier may change what a reference holds.
    env: { ...source.env, ...values },
    connection: (name) => {
      const decl = source.plan.connections.find((c) => c.name === name);
      if (!decl) throw new Error(`connection "${name}" is not declared`);
      const spec = renderConnection(decl, source.renderer, source.scope());
      // Known before anything prints it: a password rendered from a step's output is a secret too.
      if (spec.type === 'postgres') masker.addUrlPasswords(spec.url);
      return spec.type === 'sqlite' ? { ...spec, path: resolve(source.cwd, spec.path) } : spec;
    },
    signal,
    assumeYes: source.yes,
    // The question goes to the terminal straight, not through the run's events.
    ...(ask && { ask: (q: string) => ask(masker.mask(q), signal) }),
    output: (line) => source.live({ type: 'step-line', step: stepId, line }),
    progress: (p) => source.live({ type: 'step-progress', step: stepId, ...p }),
    // For the kind's own files (captured output), which never pass through the run's events.
    mask: (t) => masker.mask(t),
    warn: (m) => warnings.push(m),
    ...(source.trail && { trail: source.trail }),
  };
}
