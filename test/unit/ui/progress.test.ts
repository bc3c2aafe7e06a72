import { describe, expect, it } from 'vitest';
import { ProgressBoard } from '../../../src/ui/progress.js';

describe('ProgressBoard', () => {
  it('shows every counter of a step with done/total and a rate', () => {
    const board = new ProgressBoard();
    board.update({ type: 'step-progress', step: 'transfer', label: 'files', done: 0, total: 200000, unit: 'rows' }, 1000);
    board.update({ type: 'step-progress', step: 'transfer', label: 'tags', done: 0, total: 1000000, unit: 'rows' }, 1000);
    board.update({ type: 'step-progress', step: 'transfer', label: 'files', done: 100000, total: 200000, unit: 'rows' }, 2000);
    const out = board.update({ type: 'step-progress', step: 'transfer', label: 'tags', done: 420000, total: 1000000, unit: 'rows' }, 3000);
    expect(out.step).toBe('files 100,000/200,000 rows, 100,000 rows/s · tags 420,000/1,000,000 rows, 210,000 rows/s');
    expect(out.counter).toBe('tags 420,000/1,000,000 rows, 210,000 rows/s');
  });
});
