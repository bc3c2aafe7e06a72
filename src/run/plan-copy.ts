import { isAlias, type Node } from 'yaml';
import { parsePlanText } from '../plan/load.js';
import type { Plan } from '../plan/model.js';
import type { Masker } from '../core/mask.js';
import type { PlanCopy } from './run-dir.js';

/**
 * The plan text as kept in the run directory: the default of every `secret: true` var replaced
 * by `'****'` where it is written (whatever value the run used), then every known secret and URL
 * password masked. The YAML stays valid, so the copy still reads as the plan that ran.
 */
export function planCopy(plan: Plan, text: string, masker: Masker): PlanCopy {
  const { source } = parsePlanText(plan.file, text);
  const ranges: [number, number][] = [];
  for (const v of plan.vars) {
    if (!v.secret || source === undefined) continue;
    const { node, exact } = source.nodeAt(['vars', v.name, 'default']);
    if (!exact || !node) continue;
    const written: Node | undefined = isAlias(node) ? (node.resolve(source.doc) as Node | undefined) : node;
    for (const n of [node, written]) if (n?.range) ranges.push([n.range[0], n.range[1]]);
  }
  let masked = text;
  for (const [from, to] of [...new Map(ranges.map((r) => [r[0], r])).values()].sort((a, b) => b[0] - a[0])) {
    // A block scalar's range takes in the line break after it: keep that, so the next key stays on its line.
    const trailing = /\s*$/.exec(masked.slice(from, to))![0];
    masked = `${masked.slice(0, from)}'****'${trailing}${masked.slice(to)}`;
  }
  return { file: plan.file, text, masked: masker.mask(masked) };
}
