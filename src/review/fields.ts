import type { ActionDecl, StepDecl } from '../plan/model.js';
import type { StepKindRegistry } from '../steps/kind.js';
import type { Masker } from '../core/mask.js';
import type { FieldChange } from './diff-model.js';
import { loopShown } from './loop-text.js';
import { flatten, sameData, showValue } from './flatten.js';
import type { StaticRenderer } from './static-render.js';

/** The two sides of a comparison: how each renders its templates, and one masker for both. */
export interface Sides {
  readonly old: StaticRenderer;
  readonly new: StaticRenderer;
  readonly masker: Masker;
  /** The kinds of both plans' steps. */
  readonly kinds: StepKindRegistry;
}

const commonFields = [
  'kind',
  'title',
  'description',
  'when',
  'timeout',
  'retries',
  'retry_delay',
  'continue_on_error',
  'undo_when',
] as const;

/** Every field of an action as leaves: the shared fields first, then the kind's own. */
export function actionLeaves(a: ActionDecl): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const record = a as unknown as Record<string, unknown>;
  for (const f of commonFields) if (record[f] !== undefined) out.set(f, record[f]);
  const loop = loopShown(a as StepDecl);
  if (loop !== undefined) out.set('for_each', loop);
  // An included action's params: a changed with: value changes what it does.
  for (const [name, value] of Object.entries(a.params ?? {})) out.set(`with.${name}`, value);
  for (const leaf of flatten(a.spec)) out.set(leaf.path, leaf.value);
  return out;
}

function shown(value: unknown, field: string, kind: string, renderer: StaticRenderer, sides: Sides): string {
  const { masker } = sides;
  if (typeof value !== 'string') return masker.mask(showValue(value));
  const shell = sides.kinds.get(kind)?.shellFields?.includes(field) === true;
  return masker.mask(renderer.render(value, shell ? 'shell' : 'text'));
}

/**
 * The fields that differ between two actions (either may be absent: added or removed), shown
 * rendered where the templates are static; raw when the rendered forms would hide the change.
 */
export function fieldChanges(a: ActionDecl | StepDecl | undefined, b: ActionDecl | StepDecl | undefined, sides: Sides): FieldChange[] {
  const left = a ? actionLeaves(a) : new Map<string, unknown>();
  const right = b ? actionLeaves(b) : new Map<string, unknown>();
  const fields = [...new Set([...left.keys(), ...right.keys()])];
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const x = left.get(field);
    const y = right.get(field);
    if (sameData(x, y)) continue;
    let oldText = x === undefined ? undefined : shown(x, field, a?.kind ?? '', sides.old, sides);
    let newText = y === undefined ? undefined : shown(y, field, b?.kind ?? '', sides.new, sides);
    if (oldText !== undefined && oldText === newText) {
      oldText = sides.masker.mask(showValue(x));
      newText = sides.masker.mask(showValue(y));
    }
    changes.push({ field, ...(oldText !== undefined && { old: oldText }), ...(newText !== undefined && { new: newText }) });
  }
  return changes;
}

/** Names of the leaf fields that differ between two actions. */
export function changedLeaves(a: ActionDecl, b: ActionDecl): string[] {
  const left = actionLeaves(a);
  const right = actionLeaves(b);
  return [...new Set([...left.keys(), ...right.keys()])].filter((f) => !sameData(left.get(f), right.get(f)));
}
