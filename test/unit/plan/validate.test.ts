import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatText } from '../../../src/diagnostics/index.js';
import { validatePlanFile } from '../../../src/plan/validate.js';
import { expectGolden } from '../../helpers/golden.js';
import { createStepKindRegistry } from '../../../src/steps/index.js';

const kinds = createStepKindRegistry();

const root = 'test/fixtures/plans';
const cases = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort();

describe('broken plans: each finding, its message and line:col', () => {
  it('has at least 25 distinct mistakes', () => {
    expect(cases('err').length).toBeGreaterThanOrEqual(25);
  });
  for (const name of cases('err')) {
    it(name, async () => {
      const file = join(root, 'err', name);
      const result = validatePlanFile(file, kinds);
      expect(result.plan).toBeUndefined();
      expect(result.diagnostics.length).toBeGreaterThan(0);
      const text = formatText(result.diagnostics, new Map([[file, readFileSync(file, 'utf8')]]));
      await expectGolden(text, join(root, 'err', name.replace(/\.yaml$/, '.out')));
    });
  }
});

describe('valid plans produce no findings', () => {
  for (const name of cases('ok')) {
    it(name, () => {
      const result = validatePlanFile(join(root, 'ok', name), kinds);
      expect(result.diagnostics).toEqual([]);
      expect(result.plan).toBeDefined();
    });
  }
  for (const name of readdirSync('plans/examples').filter((f) => f.endsWith('.yaml'))) {
    it(`plans/examples/${name}`, () => {
      expect(validatePlanFile(join('plans/examples', name), kinds).diagnostics).toEqual([]);
    });
  }
});
