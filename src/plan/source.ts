import { isMap, isPair, isScalar, isSeq, type LineCounter, type Document, type Node } from 'yaml';

/** A parsed plan file that can say where any value came from. */
export class PlanSource {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document.Parsed,
    readonly lines: LineCounter,
  ) {}

  /** 1-based line and column of a character offset. */
  at(offset: number): { line: number; col: number } {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  /** The node at a path (`['steps', 2, 'run']`), or the deepest existing ancestor. */
  nodeAt(path: readonly (string | number)[]): { node: Node | undefined; keyNode: Node | undefined; exact: boolean } {
    let node: unknown = this.doc.contents;
    let keyNode: Node | undefined;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(part));
        if (!pair) return { node: node as Node, keyNode, exact: false };
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number' && node.items[part] !== undefined) {
        keyNode = undefined;
        node = node.items[part];
      } else {
        return { node: node as Node | undefined, keyNode, exact: false };
      }
    }
    return { node: (node ?? undefined) as Node | undefined, keyNode, exact: true };
  }

  /** Position of the value at a path (or of its key, when `key` is set and the value is a mapping entry). */
  positionOf(path: readonly (string | number)[], options: { key?: boolean } = {}): { line: number; col: number } {
    const { node, keyNode } = this.nodeAt(path);
    const target = options.key && keyNode ? keyNode : (node ?? keyNode);
    const start = target?.range?.[0];
    return start === undefined ? { line: 1, col: 1 } : this.at(start);
  }

  /** Position of the key that holds a mapping entry, e.g. the `foo:` of an unknown key. */
  keyPosition(mapPath: readonly (string | number)[], key: string): { line: number; col: number } {
    return this.positionOf([...mapPath, key], { key: true });
  }

  /**
   * Position inside a scalar of the `nth` occurrence of `needle` in its source text, so a template
   * error points at the `{{` of the offending expression even inside block scalars.
   */
  positionInScalar(path: readonly (string | number)[], needle: string, nth = 0): { line: number; col: number } {
    const { node } = this.nodeAt(path);
    const range = node?.range;
    if (!range) return this.positionOf(path);
    const raw = this.text.slice(range[0], range[1]);
    let from = 0;
    let at = -1;
    for (let i = 0; i <= nth; i++) {
      at = raw.indexOf(needle, from);
      if (at < 0) break;
      from = at + 1;
    }
    return this.at(at < 0 ? range[0] : range[0] + at);
  }
}
