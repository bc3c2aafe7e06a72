import { isCollection, Scalar, visit, type Document, type ScalarTag } from 'yaml';

/** The source of a scalar that `fmt` writes back as it was written, only re-indented. */
class KeptText {
  constructor(readonly source: string) {}
}

/** Re-indents the source of a multi-line scalar: its first line stays, the others keep their indentation relative to each other. */
function reindent(source: string, indent: string): string {
  const [first, ...rest] = source.split('\n');
  while (rest.length > 0 && rest[rest.length - 1]!.trim() === '') rest.pop();
  const margin = Math.min(...rest.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return [first, ...rest.map((l) => (l.trim() === '' ? '' : indent + l.slice(margin)))].join('\n');
}

/** A YAML tag that writes a kept scalar from its source; it never matches anything when parsing. */
export const keptTextTag: ScalarTag = {
  tag: 'tag:runbook.local,2024:kept-text',
  default: true,
  identify: (value) => value instanceof KeptText,
  resolve: (text) => text,
  stringify: (item, ctx) => reindent(((item as Scalar).value as KeptText).source, ctx.indent),
};

const isMultiLine = (node: Scalar, text: string) => !!node.range && text.slice(node.range[0], node.range[1]).trimEnd().includes('\n');

/** Whether a scalar's source can be re-indented without changing its value. */
function canKeep(node: Scalar, source: string): boolean {
  if (node.type !== Scalar.BLOCK_FOLDED && node.type !== Scalar.BLOCK_LITERAL) return true;
  // An explicit indentation indicator, a kept final line break or a header comment depend on the exact layout.
  const header = source.split('\n')[0]!;
  return /^[|>][-]?\s*$/.test(header);
}

/**
 * Marks every block scalar and every wrapped scalar in a block collection so that it is written
 * back line for line as in `text`: wrapped descriptions and multi-line SQL stay as their author wrote them.
 */
export function keepWrittenText(doc: Document.Parsed, text: string): void {
  visit(doc, {
    Scalar(key, node, path) {
      // A key is written on one line whatever its source: an implicit key cannot span lines.
      if (key === 'key' || typeof node.value !== 'string' || !isMultiLine(node, text)) return;
      if (path.some((p) => isCollection(p) && p.flow)) return;
      const source = text.slice(node.range![0], node.range![1]);
      if (canKeep(node, source)) node.value = new KeptText(source);
    },
  });
}
