import type { ActionDecl, StepDecl } from '../plan/model.js';
import type { StepKindRegistry } from '../steps/kind.js';
import type { RiskNote } from './diff-model.js';
import { httpChecksLoosened } from './http-checks.js';

/** Kinds that only look at the world and assert on it. */
const checkKinds = new Set(['sql-check', 'count-compare', 'http-smoke']);

/** A human gate. */
export const gateKind = 'confirm';

/** True for a step that only checks something (a read-only query, a count, an HTTP probe). */
export function isCheck(a: ActionDecl): boolean {
  return checkKinds.has(a.kind) && a.spec.write !== true;
}

/** True for a step that changes something: anything that is neither a check nor a gate. */
export function isDestructive(a: ActionDecl): boolean {
  return !isCheck(a) && a.kind !== gateKind;
}

/** Fields of a check that say what counts as passing. */
export function isExpectation(field: string): boolean {
  return /^(expect|tables|where|status|assert|verify|schemas?(\.|$))/.test(field);
}

const shellFields = /^(run|cwd|env)(\.|$)/;

/** The note for `raw: true` newly set on an action: its {{{ }}} values now run as shell code. */
function rawRisk(before: ActionDecl | undefined, after: ActionDecl, what: string): RiskNote[] {
  if (after.spec.raw !== true || before?.spec.raw === true) return [];
  return [
    {
      risk: 'raw-shell',
      message: `raw shell code: ${what} says raw: true, so its {{{ }}} values run as shell code; check where each value comes from`,
    },
  ];
}

const label = (a: ActionDecl) => `[${a.kind}]${a.title ? ` ${a.title}` : ''}`;

/** Risks of a step whose own fields changed (rollback is judged separately). */
export function stepFieldRisks(
  id: string,
  before: StepDecl,
  after: StepDecl,
  changed: readonly string[],
  kinds: StepKindRegistry,
): RiskNote[] {
  const notes: RiskNote[] = [...rawRisk(before, after, `step "${id}"`)];
  if (after.kind === 'shell' && (before.kind !== 'shell' || changed.some((f) => shellFields.test(f)))) {
    notes.push({
      risk: 'shell-command',
      message: `shell command changed: step "${id}" now runs a different command; read it before approving`,
    });
  }
  if (isCheck(before)) {
    const loosened = changed.filter(isExpectation);
    if (!isCheck(after))
      notes.push({
        risk: 'check-loosened',
        message: `check removed: step "${id}" was a ${before.kind} check and is now a ${after.kind} step`,
      });
    else if (before.kind === 'http-smoke' && after.kind === 'http-smoke') notes.push(...httpChecksLoosened(id, before, after));
    else if (loosened.length > 0)
      notes.push({
        risk: 'check-loosened',
        message: `check loosened: what step "${id}" accepts changed (${loosened.join(', ')}); make sure it still fails when it should`,
      });
  }
  if (before.kind === 'shell' && after.kind === 'shell' && changed.includes('expect_exit')) {
    notes.push({
      risk: 'check-loosened',
      message: `check loosened: the exit codes step "${id}" accepts changed; make sure it still fails when it should`,
    });
  }
  if (before.continue_on_error !== true && after.continue_on_error === true) {
    notes.push({
      risk: 'check-loosened',
      message: `check loosened: a failure of step "${id}" no longer stops the run (continue_on_error)`,
    });
  }
  const undo = (s: StepDecl) => kinds.get(s.kind)?.undo !== undefined;
  if (undo(before) && !undo(after)) {
    notes.push({
      risk: 'rollback-weakened',
      message: `rollback weakened: step "${id}" was ${before.kind}, which undoes itself; ${after.kind} does not`,
    });
  } else if (undo(after) && after.undo_when !== undefined && after.undo_when !== before.undo_when) {
    notes.push({
      risk: 'rollback-weakened',
      message: `rollback weakened: the built-in undo of step "${id}" now runs only when ${after.undo_when}`,
    });
  }
  return notes;
}

/** Risk of a step that is new in the plan. */
export function addedStepRisks(step: StepDecl): RiskNote[] {
  const shell: RiskNote[] =
    step.kind === 'shell'
      ? [{ risk: 'shell-command', message: `new shell command: step "${step.id}" runs a command that was not in the plan` }]
      : [];
  return [...shell, ...rawRisk(undefined, step, `step "${step.id}"`)];
}

/** Risk of a step that is gone from the plan (gates are judged with the order of steps). */
export function removedStepRisks(step: StepDecl): RiskNote[] {
  return isCheck(step) ? [{ risk: 'check-loosened', message: `check removed: step "${step.id}" (${step.kind}) no longer runs` }] : [];
}

/** Risks of one rollback action added, removed or changed. */
export function rollbackRisks(
  id: string,
  index: number,
  total: number,
  before: ActionDecl | undefined,
  after: ActionDecl | undefined,
  changed: readonly string[],
): RiskNote[] {
  if (before && !after) {
    return total === 0
      ? [
          {
            risk: 'rollback-removed',
            message: `rollback removed: step "${id}" has no rollback any more; a later failure leaves its change in place`,
          },
        ]
      : [{ risk: 'rollback-removed', message: `rollback removed: step "${id}" no longer runs rollback action ${index} ${label(before)}` }];
  }
  if (!before && after) {
    const shell: RiskNote[] =
      after.kind === 'shell'
        ? [{ risk: 'shell-command', message: `new shell command: the rollback of step "${id}" runs a command that was not in the plan` }]
        : [];
    return [...shell, ...rawRisk(undefined, after, `rollback action ${index} of step "${id}"`)];
  }
  if (!before || !after) return [];
  const raw = rawRisk(before, after, `rollback action ${index} of step "${id}"`);
  if (raw.length > 0) return raw;
  if (changed.includes('when') && after.when !== undefined) {
    return [
      {
        risk: 'rollback-weakened',
        message: `rollback weakened: rollback action ${index} of step "${id}" now runs only when ${after.when}`,
      },
    ];
  }
  return [
    {
      risk: 'rollback-weakened',
      message: `rollback changed: rollback action ${index} of step "${id}" does something else now (${changed.join(', ')}); check it still undoes the step`,
    },
  ];
}
