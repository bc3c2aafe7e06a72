import type { FragmentScopeDecl } from '../plan/model.js';
import { TemplateError, type TemplateRenderer, type TemplateScope } from '../template/render.js';

/**
 * The scope an included action renders in: its fragment's params (the include's `with:` values,
 * rendered in the including plan's scope) and its fragment's step ids naming the plan's steps.
 */
export function fragmentScope(scope: TemplateScope, action: FragmentScopeDecl, renderer: TemplateRenderer): TemplateScope {
  if (action.params === undefined && action.aliases === undefined) return scope;
  // A nested include's with: values are templates of the fragment that includes it.
  const within = action.includedAt?.within;
  const including = within ? fragmentScope(scope, within, renderer) : scope;
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(action.params ?? {})) {
    try {
      params[k] = renderer.renderDeep(v, including);
    } catch (e) {
      // A value not known yet (a step that did not run) leaves the param without one: reading it fails the action, a condition reads it as false.
      if (!(e instanceof TemplateError)) throw e;
    }
  }
  const steps = { ...scope.steps };
  for (const [local, id] of Object.entries(action.aliases ?? {})) if (id in scope.steps) steps[local] = scope.steps[id];
  return { ...scope, steps, params };
}
