import type { StepKindRegistry } from '../steps/kind.js';
import type { Plan } from '../plan/model.js';
import type { RiskNote } from './diff-model.js';
import { namedData } from './named-data.js';
import { isDestructive } from './risk.js';
import type { StaticRenderer } from './static-render.js';

/**
 * Finds steps that now run before a step they used to follow, when that step changes something
 * and both name the same data (a table, a file, a database): the moved step may now read it
 * before it is there. Returns the notes by the moved step's id. (Reading another step's outputs
 * before it runs is refused by validation, RB303.)
 */
export function orderRisks(before: Plan, after: Plan, renderer: StaticRenderer, kinds: StepKindRegistry): Map<string, RiskNote[]> {
  const notes = new Map<string, RiskNote[]>();
  const oldIndex = new Map(before.steps.map((s, i) => [s.id, i]));
  after.steps.forEach((step, at) => {
    const was = oldIndex.get(step.id);
    if (was === undefined) return;
    const overtaken = after.steps.slice(at + 1).filter((t) => (oldIndex.get(t.id) ?? -1) < was && oldIndex.has(t.id) && isDestructive(t));
    if (overtaken.length === 0) return;
    const reads = namedData(step, after, renderer, kinds);
    for (const t of overtaken) {
      const shared = [...namedData(t, after, renderer, kinds)].filter((n) => reads.has(n));
      if (shared.length === 0) continue;
      const message = `order changed: step "${step.id}" now runs before "${t.id}" (${t.kind}), which it used to follow and which changes what both name (${shared.join(', ')}); make sure what it reads is there when it runs`;
      notes.set(step.id, [...(notes.get(step.id) ?? []), { risk: 'order-changed', message }]);
    }
  });
  return notes;
}
