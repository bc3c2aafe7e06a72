import type { ActionDecl } from '../plan/model.js';
import type { TemplateRenderer, TemplateScope } from '../template/render.js';

/**
 * The scope an included action renders in: its fragment's params (the include's `with:` values,
 * rendered in the including plan's scope) and its fragment's step ids naming the plan's steps.
 */
export function fragmentScope(scope: TemplateScope, action: ActionDecl, renderer: TemplateRenderer): TemplateScope {
  if (action.params === undefined && action.aliases === undefined) return scope;
  const params = Object.fromEntries(Object.entries(action.params ?? {}).map(([k, v]) => [k, renderer.renderDeep(v, scope)]));
  const steps = { ...scope.steps };
  for (const [local, id] of Object.entries(action.aliases ?? {})) if (id in scope.steps) steps[local] = scope.steps[id];
  return { ...scope, steps, params };
}
