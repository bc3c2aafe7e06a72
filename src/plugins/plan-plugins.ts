import { isSeq } from 'yaml';
import { parsePlanText } from '../plan/load.js';
import type { PluginRequest } from './load-plugins.js';

/**
 * The `plugins:` entries of a plan text, each with its position, read before the plan is checked
 * (the kinds they add decide what is valid). Anything malformed is left to validation to report.
 */
export function planPluginRequests(text: string, label: string, baseDir: string): PluginRequest[] {
  const { source, data } = parsePlanText(label, text);
  if (!source || !data || !Array.isArray(data.plugins)) return [];
  const { node } = source.nodeAt(['plugins']);
  if (!isSeq(node)) return [];
  return data.plugins.flatMap((spec, i) => {
    if (typeof spec !== 'string' || spec === '') return [];
    const pos = source.positionOf(['plugins', i]);
    return [{ spec, baseDir, file: label, line: pos.line, col: pos.col }];
  });
}
