import { CST, Lexer } from 'yaml';

/** Every comment in a YAML text, in order, as written (without the leading `#` and spaces). */
export function listComments(text: string): string[] {
  const out: string[] = [];
  for (const token of new Lexer().lex(text)) {
    if (CST.tokenType(token) === 'comment') out.push(token.replace(/^#\s*/, '').trimEnd());
  }
  return out;
}
