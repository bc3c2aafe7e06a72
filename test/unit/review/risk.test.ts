import { describe, expect, it } from 'vitest';
import type { StepDecl } from '../../../src/plan/model.js';
import { stepFieldRisks } from '../../../src/review/risk.js';
import { createStepKindRegistry } from '../../../src/steps/index.js';

const kinds = createStepKindRegistry();

const countStep = (spec: Record<string, unknown>): StepDecl => ({
  id: 'verify-counts',
  kind: 'count-compare',
  spec: { source: 'a', target: 'b', ...spec },
  path: ['steps', 0],
  rollback: [],
});

describe('stepFieldRisks of count-compare', () => {
  it('calls a change of verify or schemas a loosened check', () => {
    expect(stepFieldRisks('verify-counts', countStep({ verify: 'checksums' }), countStep({ verify: 'counts' }), ['verify'], kinds)).toEqual(
      [
        {
          risk: 'check-loosened',
          message: 'check loosened: what step "verify-counts" accepts changed (verify); make sure it still fails when it should',
        },
      ],
    );
    expect(stepFieldRisks('verify-counts', countStep({}), countStep({ schemas: ['app'] }), ['schemas'], kinds)).toHaveLength(1);
  });

  it('says nothing about a changed title', () => {
    expect(stepFieldRisks('verify-counts', countStep({}), { ...countStep({}), title: 'Counts' }, ['title'], kinds)).toEqual([]);
  });
});
