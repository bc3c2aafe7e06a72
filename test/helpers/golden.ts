import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { expect } from 'vitest';

/**
 * Compares `text` with a golden file (a path from the repository root). A missing golden file
 * fails the test, on CI or not: it is written only by an explicit `--update`.
 */
export async function expectGolden(text: string, golden: string): Promise<void> {
  const state = expect.getState();
  const testFile = state.testPath ?? '';
  if (!existsSync(golden) && state.snapshotState.snapshotUpdateState !== 'all') {
    throw new Error(
      `golden file ${golden} is missing: create it with \`npx vitest run ${relative(process.cwd(), testFile)} --update\` and review it before committing`,
    );
  }
  await expect(text).toMatchFileSnapshot(relative(resolve(testFile, '..'), resolve(golden)));
}
