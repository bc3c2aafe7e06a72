import type { Colors } from './diff-text.js';

/** The markdown of `explain` for a terminal: headings bold, code fences dropped and code indented. */
export function markdownForTerminal(markdown: string, c: Colors): string {
  const out: string[] = [];
  let inCode = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      inCode = !inCode;
      continue;
    }
    if (inCode) out.push(`    ${c.cyan(line)}`);
    else if (line.startsWith('#')) out.push(c.bold(line.replace(/^#+\s*/, '')));
    else
      out.push(
        line
          .replace(/\*\*([^*]+)\*\*/g, (_, t: string) => c.bold(t))
          .replace(/(^|\s)\*([^*]+)\*/g, (_, s: string, t: string) => `${s}${c.dim(t)}`),
      );
  }
  return out.join('\n');
}
