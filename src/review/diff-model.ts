/** What `runbook diff` finds: plain data, printed as text, markdown or JSON. */

/** One field that differs; a missing side means the field is absent there. Texts are rendered and masked. */
export interface FieldChange {
  readonly field: string;
  readonly old?: string;
  readonly new?: string;
}

/** The kinds of risk a reviewer is warned about. */
export type RiskKind =
  | 'rollback-removed'
  | 'rollback-weakened'
  | 'gate-removed'
  | 'gate-moved'
  | 'shell-command'
  | 'raw-shell'
  | 'check-loosened'
  | 'secret-unmasked'
  | 'order-changed'
  | 'var-default-changed';

/** A warning attached to a change: what to look at and why it matters. */
export interface RiskNote {
  readonly risk: RiskKind;
  readonly message: string;
}

/** A rollback action added, removed or changed; `index` is 1-based in the list it belongs to. */
export interface RollbackChange {
  readonly status: 'added' | 'removed' | 'changed';
  readonly index: number;
  readonly kind: string;
  readonly title?: string;
  readonly fields: readonly FieldChange[];
}

/** A field of a step (or of its rollback action `rollback`, 1-based) that renders differently because a var's default changed. */
export interface AffectedField extends FieldChange {
  readonly step: string;
  readonly rollback?: number;
}

/** A change to one thing in the plan: the plan's own fields, a var, a connection or a step. */
export interface PlanChange {
  readonly target: 'plan' | 'var' | 'connection' | 'step';
  /** The step id, var or connection name; the plan's name for plan-level fields. */
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** Step kind (the new one when it changed). */
  readonly kind?: string;
  /** 1-based positions when a step moved relative to the steps around it. */
  readonly moved?: { readonly from: number; readonly to: number; readonly after?: string };
  readonly fields: readonly FieldChange[];
  readonly rollback: readonly RollbackChange[];
  /** For a var whose default changed: the step fields it renders into, before → after. */
  readonly affected?: readonly AffectedField[];
  readonly risks: readonly RiskNote[];
}

/** The whole comparison. */
export interface PlanDiff {
  readonly old: string;
  readonly new: string;
  readonly same: boolean;
  readonly changes: readonly PlanChange[];
}
