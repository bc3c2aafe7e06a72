import type { StepDecl } from '../plan/model.js';
import type { RiskNote } from './diff-model.js';
import { gateKind, isDestructive } from './risk.js';

/**
 * Finds gates (confirm steps) that are gone, or that now come after a step that changes
 * something they used to guard. Returns the notes by the gate's step id.
 */
export function gateRisks(before: readonly StepDecl[], after: readonly StepDecl[]): Map<string, RiskNote[]> {
  const notes = new Map<string, RiskNote[]>();
  const add = (id: string, note: RiskNote) => notes.set(id, [...(notes.get(id) ?? []), note]);
  const newIndex = new Map(after.map((s, i) => [s.id, i]));
  before.forEach((gate, g) => {
    if (gate.kind !== gateKind) return;
    const guarded = before.slice(g + 1).filter(isDestructive);
    const at = newIndex.get(gate.id);
    if (at === undefined || after[at]?.kind !== gateKind) {
      const first = guarded[0];
      add(gate.id, {
        risk: 'gate-removed',
        message: first
          ? `gate removed: confirm "${gate.id}" no longer stops the run before "${first.id}" (${first.kind})`
          : `gate removed: confirm "${gate.id}" no longer asks the operator`,
      });
      return;
    }
    for (const step of guarded) {
      const stepAt = newIndex.get(step.id);
      if (stepAt !== undefined && stepAt < at && isDestructive(after[stepAt]!)) {
        add(gate.id, {
          risk: 'gate-moved',
          message: `gate moved: confirm "${gate.id}" now comes after "${step.id}" (${step.kind}), which it used to guard`,
        });
      }
    }
  });
  return notes;
}
