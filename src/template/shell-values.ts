import type { ValueContext } from './shell-contexts.js';
import { shellQuote } from '../core/shell-quote.js';

/** Names of the environment variables that carry template values into shell commands. */
export const valueVariablePrefix = 'RUNBOOK_VALUE_';

/** One value a shell command reads through a variable. */
export interface ShellValue {
  readonly name: string;
  readonly value: string;
  /** The template expression it came from, e.g. `{{vars.sqlite_path}}`. */
  readonly expression: string;
}

/**
 * The values of one action's shell fields, each in its own environment variable. The same
 * expression with the same value shares one variable, so a command reads as its template did.
 */
export class ShellValues {
  private readonly list: ShellValue[] = [];

  /** The variable name holding this value, added when new. */
  add(expression: string, value: string): string {
    const known = this.list.find((v) => v.expression === expression && v.value === value);
    if (known) return known.name;
    const name = `${valueVariablePrefix}${this.list.length + 1}`;
    this.list.push({ name, value, expression });
    return name;
  }

  /** Every value, in the order the commands first use them. */
  all(): readonly ShellValue[] {
    return this.list;
  }

  /** The variables to add to the environment of the command. */
  env(): Record<string, string> {
    return Object.fromEntries(this.list.map((v) => [v.name, v.value]));
  }
}

/** The text that expands a variable to exactly its value, as one word, in a quoting context. */
export function referenceFor(name: string, context: ValueContext): string {
  // Inside "..." and here-document bodies the expansion is already one field; bare, it needs quotes.
  return context === 'word' ? `"\${${name}}"` : `\${${name}}`;
}

/**
 * A value written into a command so that it reads as exactly itself in its quoting context: the
 * display form reviewers read. Commands run with references, never with this text.
 */
export function quoteFor(value: string, context: ValueContext): string {
  if (context === 'word') return shellQuote(value);
  return value.replace(context === 'double-quotes' ? /[$`"\\]/g : /[$`\\]/g, '\\$&');
}
