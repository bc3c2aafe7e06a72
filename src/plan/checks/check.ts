import { codes, type Diagnostic, type RuleName } from '../../diagnostics/index.js';
import type { AnyStepKind } from '../../steps/kind.js';
import type { Plan } from '../model.js';
import type { PlanSource } from '../source.js';

/** What every semantic check reads: the plan, where its parts are in the file, the kinds. */
export interface CheckInput {
  readonly plan: Plan;
  readonly source: PlanSource;
  kindOf(name: string): AnyStepKind | undefined;
}

/** A semantic rule the schema cannot express. */
export type Check = (input: CheckInput) => Diagnostic[];

/** Builds an error finding at a position. */
export function finding(input: CheckInput, rule: RuleName, message: string, pos: { line: number; col: number }, hint?: string): Diagnostic {
  return { code: codes[rule], rule, severity: 'error', message, file: input.source.file, line: pos.line, col: pos.col, ...(hint && { hint }) };
}
