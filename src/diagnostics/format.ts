import type { Diagnostic } from './diagnostic.js';

/** Prints findings as `file:line:col: error RB203 message [rule]`, the source line, a caret, the hint. */
export function formatText(list: readonly Diagnostic[], sources: ReadonlyMap<string, string>): string {
  const out: string[] = [];
  for (const d of list) {
    const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
    out.push(`${where}: ${d.severity} ${d.code} ${d.message} [${d.rule}]`);
    const src = sources.get(d.file);
    if (src !== undefined && d.line > 0) {
      const line = src.split('\n')[d.line - 1];
      if (line !== undefined) {
        out.push(`  ${line.replace(/\t/g, ' ')}`);
        out.push(`  ${' '.repeat(Math.max(0, d.col - 1))}^`);
      }
    }
    if (d.hint) out.push(`  hint: ${d.hint}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/** The same findings as a JSON array, one object per finding. */
export function formatJson(list: readonly Diagnostic[]): string {
  return `${JSON.stringify(list, null, 2)}\n`;
}

/** GitHub Actions workflow commands, so findings show as annotations on the pull request. */
export function formatGithub(list: readonly Diagnostic[]): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return list
    .map((d) => {
      const text = d.hint ? `${d.message} (${d.hint})` : d.message;
      return `::${d.severity} file=${d.file},line=${d.line},col=${d.col},title=${d.code}::${esc(text)}\n`;
    })
    .join('');
}
