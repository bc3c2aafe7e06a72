import { codes, type Diagnostic, type RuleName } from '../../diagnostics/index.js';
import type { AnyStepKind } from '../../steps/kind.js';
import type { ActionDecl, Plan } from '../model.js';
import type { PlanSource } from '../source.js';

/** What every semantic check reads: the plan, where its parts are in the file, the kinds. */
export interface CheckInput {
  readonly plan: Plan;
  readonly source: PlanSource;
  /** Fragment files the plan includes, by file name: where an included action's positions are. */
  readonly sources?: ReadonlyMap<string, PlanSource>;
  kindOf(name: string): AnyStepKind | undefined;
}

/** The input as seen from one action: its positions are in the fragment it came from, when it was included. */
export function inputFor(input: CheckInput, action: ActionDecl): CheckInput {
  const source = action.file !== undefined ? input.sources?.get(action.file) : undefined;
  return source ? { ...input, source } : input;
}

/** A semantic rule the schema cannot express. */
export type Check = (input: CheckInput) => Diagnostic[];

/** Builds an error finding at a position. */
export function finding(input: CheckInput, rule: RuleName, message: string, pos: { line: number; col: number }, hint?: string): Diagnostic {
  return {
    code: codes[rule],
    rule,
    severity: 'error',
    message,
    file: input.source.file,
    line: pos.line,
    col: pos.col,
    ...(hint && { hint }),
  };
}
