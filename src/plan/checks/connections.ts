import { didYouMean } from '../../diagnostics/index.js';
import { allSteps } from '../model.js';
import type { Check } from './check.js';
import { finding, inputFor } from './check.js';

/** Every connection a step names is declared under `connections:`. */
export const connectionsExist: Check = (input) => {
  const declared = input.plan.connections.map((c) => c.name);
  const actions = allSteps(input.plan).flatMap((s) => [s, ...s.rollback]);
  return actions.flatMap((action) => {
    const kind = input.kindOf(action.kind);
    const here = inputFor(input, action);
    return (kind?.connectionFields ?? []).flatMap((field) => {
      const name = action.spec[field];
      if (typeof name !== 'string' || declared.includes(name)) return [];
      const hint = declared.length === 0 ? 'declare it under `connections:` (sqlite: path or postgres: url)' : didYouMean(name, declared);
      return [
        finding(
          here,
          'unknown-connection',
          `"${field}" names connection "${name}", which is not declared under connections`,
          here.source.positionOf([...action.path, field]),
          hint,
        ),
      ];
    });
  });
};

/** Every `postgres:` lock scope names a declared postgres connection. */
export const lockConnectionsExist: Check = (input) => {
  const postgres = input.plan.connections.filter((c) => c.type === 'postgres').map((c) => c.name);
  return (input.plan.locks ?? []).flatMap((lock, i) => {
    if (lock.type !== 'postgres' || postgres.includes(lock.connection)) return [];
    const hint = postgres.length === 0 ? 'declare it under `connections:` as postgres: url' : didYouMean(lock.connection, postgres);
    return [
      finding(
        input,
        'unknown-connection',
        `lock scope ${i + 1} names connection "${lock.connection}", which is not a postgres connection declared under connections`,
        input.source.positionOf(['locks', i, 'postgres']),
        hint,
      ),
    ];
  });
};
