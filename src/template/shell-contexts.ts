/**
 * A small lexer of POSIX shell quoting contexts (plus the bash forms a /bin/sh may accept).
 * It reads a script in which every template value is a slot marker and says, for each slot,
 * the quoting context it sits in, so the value can enter as a variable reference quoted for
 * that context, or be refused where no reference is safe or meaningful.
 */

/** Contexts where a variable reference expands to exactly the value, as one word. */
export type ValueContext = 'word' | 'double-quotes' | 'here-doc';

/** Contexts where a reference would not expand, would change meaning, or could run as code. */
export type UnsafeContext =
  | 'single-quotes'
  | 'ansi-c-quotes'
  | 'quoted-here-doc'
  | 'here-doc-delimiter'
  | 'comment'
  | 'arithmetic'
  | 'double-brackets'
  | 'parameter-expansion'
  | 'after-backslash'
  | 'after-dollar'
  | 'run-as-code'
  | 'variable-name';

/** Where one slot sits: a context that takes a reference, or one that cannot. */
export type Slot = { readonly slot: number; readonly context: ValueContext } | { readonly slot: number; readonly unsafe: UnsafeContext };

/** The marker of slot n inside a script: NUL cannot occur in a command line, so no script text can forge one. */
export function slotMarker(n: number): string {
  return `\0${n}\0`;
}

const operatorChars = new Set([';', '&', '|', '(', ')', '<', '>']);
/** Words after which the next word starts a command again. */
const leadingWords = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
/** Commands whose -i option makes every assignment an arithmetic evaluation. */
const integerDeclarations = new Set(['declare', 'typeset', 'local', 'export', 'readonly']);
/** Builtins that run their arguments as shell code later: eval now, trap on a signal, alias when used. */
const codeCommands = new Set(['eval', 'trap', 'alias']);
/** Words that run the next word as the command itself. */
const commandPrefixes = new Set(['command', 'builtin']);
/** Builtins whose operands are variable names; bash evaluates the index of a name such as a[$(...)]. */
const nameCommands = new Set(['read', 'mapfile', 'readarray', 'getopts', 'unset']);
/** Options whose next word is a variable name: printf -v, test -v, [ -v, wait -p. */
const nameOptions: Readonly<Record<string, string>> = { printf: '-v', test: '-v', '[': '-v', wait: '-p' };
/** An assignment to a prompt string, whose command substitutions bash runs when it shows the prompt. */
const prompt = /^(?:PS[0-4]|PROMPT_COMMAND)\+?=/;
/** A word inside an unclosed array subscript, e.g. `a[` of `a[i]=1`: bash evaluates the index. */
const subscript = /^(?:[A-Za-z_][A-Za-z0-9_]*)?\[[^\]]*$/;

interface HereDoc {
  readonly delimiter: string;
  readonly quoted: boolean;
  readonly stripTabs: boolean;
}

class Lexer {
  private pos = 0;
  readonly slots: Slot[] = [];

  constructor(private readonly src: string) {}

  private isSlot(at = this.pos): boolean {
    return this.src[at] === '\0';
  }

  /** Consumes a slot marker at pos and records it. */
  private slot(where: { context: ValueContext } | { unsafe: UnsafeContext }): void {
    const end = this.src.indexOf('\0', this.pos + 1);
    const n = Number(this.src.slice(this.pos + 1, end));
    this.pos = end + 1;
    this.slots.push({ slot: n, ...where });
  }

  /** Skips to `stop` (exclusive; or the end), marking every slot passed as unsafe. */
  private skipTo(stop: (c: string) => boolean, unsafe: UnsafeContext, escapes: boolean): void {
    while (this.pos < this.src.length && !stop(this.src[this.pos]!)) {
      if (this.isSlot()) this.slot({ unsafe });
      else if (escapes && this.src[this.pos] === '\\') {
        this.pos++;
        if (this.isSlot()) this.slot({ unsafe });
        else this.pos++;
      } else this.pos++;
    }
  }

  /** A region with nested brackets, e.g. `${...}` or `$((...))`: every slot in it is unsafe. */
  private bracketed(open: string, close: string, closeLength: number, unsafe: UnsafeContext): void {
    let depth = 0;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (this.isSlot()) this.slot({ unsafe });
      else if (c === '\\') this.pos += this.isSlot(this.pos + 1) ? 1 : 2;
      else if (c === "'") {
        this.pos++;
        this.skipTo((x) => x === "'", unsafe, false);
        this.pos++;
      } else if (c === open) {
        depth++;
        this.pos++;
      } else if (c === close[0] && depth === 0 && this.src.startsWith(close, this.pos)) {
        this.pos += closeLength;
        return;
      } else {
        if (c === close[0]) depth--;
        this.pos++;
      }
    }
  }

  /** After a `$`: expansions, and the quotes bash starts with a dollar sign. */
  private dollar(inCommand: boolean): void {
    const next = this.src[this.pos + 1];
    if (next === '\0') {
      this.pos++;
      this.slot({ unsafe: 'after-dollar' });
    } else if (this.src.startsWith('$((', this.pos)) {
      this.pos += 3;
      this.bracketed('(', '))', 2, 'arithmetic');
    } else if (next === '(') {
      this.pos += 2;
      this.command('paren');
    } else if (next === '{') {
      this.pos += 2;
      this.bracketed('{', '}', 1, 'parameter-expansion');
    } else if (next === '[') {
      this.pos += 2;
      this.bracketed('[', ']', 1, 'arithmetic');
    } else if (inCommand && next === "'") {
      this.pos += 2;
      this.skipTo((x) => x === "'", 'ansi-c-quotes', true);
      this.pos++;
    } else if (inCommand && next === '"') {
      this.pos += 2;
      this.double();
    } else this.pos++;
  }

  /** A backslash: the next character is literal; a slot right after it would lose its quoting. */
  private backslash(): void {
    this.pos++;
    if (this.isSlot()) this.slot({ unsafe: 'after-backslash' });
    else this.pos++;
  }

  /** Text where only `$`, backticks and backslashes are special ("..." and here-document bodies), up to `stop`. */
  private expanding(context: ValueContext, stop: string, word = ''): void {
    // The word so far, for "a[{{x}}]" given to unset, test -v or printf -v: an index bash evaluates.
    let seen = context === 'double-quotes' ? word : '';
    while (this.pos < this.src.length && this.src[this.pos] !== stop) {
      const c = this.src[this.pos]!;
      const from = this.slots.length;
      if (this.isSlot()) this.slot({ context });
      else if (c === '\\') this.backslash();
      else if (c === '`') {
        this.pos++;
        this.command('backtick');
      } else if (c === '$') this.dollar(false);
      else this.pos++;
      if (context === 'double-quotes' && subscript.test(seen)) this.poison(from, 'arithmetic');
      seen += c === '\0' || c === '\\' || c === '`' || c === '$' ? 'x' : c;
    }
  }

  /** Inside "...", up to and past the closing quote; `word` is the unquoted text of the word before it. */
  private double(word = ''): void {
    this.expanding('double-quotes', '"', word);
    this.pos++;
  }

  /** The delimiter word after `<<`; quoting any part of it turns expansion in the body off. */
  private hereDocOperator(): HereDoc {
    this.pos += 2;
    const stripTabs = this.src[this.pos] === '-';
    if (stripTabs) this.pos++;
    while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t') this.pos++;
    let delimiter = '';
    let quoted = false;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || operatorChars.has(c)) break;
      if (this.isSlot()) {
        this.slot({ unsafe: 'here-doc-delimiter' });
        delimiter += '\0';
      } else if (c === "'" || c === '"') {
        quoted = true;
        const end = this.src.indexOf(c, this.pos + 1);
        const stop = end < 0 ? this.src.length : end;
        const inner = this.src.slice(this.pos + 1, stop);
        const before = this.slots.length;
        this.pos++;
        this.skipTo((x) => x === c, 'here-doc-delimiter', false);
        if (this.slots.length > before) delimiter += '\0';
        delimiter += inner.replace(/\0\d+\0/g, '');
        this.pos++;
      } else if (c === '\\') {
        quoted = true;
        delimiter += this.src[this.pos + 1] ?? '';
        this.backslash();
      } else {
        delimiter += c;
        this.pos++;
      }
    }
    return { delimiter, quoted, stripTabs };
  }

  /** Bodies of the here-documents opened on the line that just ended. */
  private hereDocBodies(pending: readonly HereDoc[]): void {
    for (const doc of pending) {
      while (this.pos < this.src.length) {
        const end = this.src.indexOf('\n', this.pos);
        const lineEnd = end < 0 ? this.src.length : end;
        const line = this.src.slice(this.pos, lineEnd);
        if ((doc.stripTabs ? line.replace(/^\t+/, '') : line) === doc.delimiter) {
          this.pos = Math.min(this.src.length, lineEnd + 1);
          break;
        }
        if (doc.quoted) {
          this.skipTo((x) => x === '\n', 'quoted-here-doc', false);
        } else this.expanding('here-doc', '\n');
        this.pos++;
      }
    }
  }

  /** Turns the slots recorded since `from` unsafe: they sit where the shell evaluates text. */
  private poison(from: number, unsafe: UnsafeContext): void {
    // A slot already refused keeps its first, innermost reason.
    for (let i = from; i < this.slots.length; i++) if ('context' in this.slots[i]!) this.slots[i] = { slot: this.slots[i]!.slot, unsafe };
  }

  /** A command list: the whole script, the inside of `$(...)`, or of backticks. */
  command(end: 'eof' | 'paren' | 'backtick'): void {
    let depth = 0;
    let word = '';
    let wordStart = true;
    let commandStart = true;
    let firstWord = '';
    let doubleBrackets = false;
    let arithmeticCommand = false;
    // Where the current command puts a value: run as code, read as a variable name, or plain data.
    let nameCommand = false;
    let previousWord = '';
    let redirected = false;
    /** Names declared with -i: a later assignment to one evaluates the value as arithmetic. */
    const integers = new Set<string>();
    let declaresIntegers = false;
    let caseState: 'none' | 'word' | 'patterns' | 'body' = 'none';
    let pending: HereDoc[] = [];
    const endWord = () => {
      if (word !== '') {
        if (commandStart) firstWord = word;
        if (commandStart && word === '[[') doubleBrackets = true;
        else if (word === ']]') doubleBrackets = false;
        if (commandStart && word === 'let') arithmeticCommand = true;
        // declare -i (and its kin) evaluate every value assigned as arithmetic.
        if (!commandStart && integerDeclarations.has(firstWord) && /^-[A-Za-z]*i/.test(word)) arithmeticCommand = true;
        // declare -n makes every value a variable name, whose index bash evaluates.
        if (!commandStart && integerDeclarations.has(firstWord) && /^-[A-Za-z]*n/.test(word)) nameCommand = true;
        if (!commandStart && integerDeclarations.has(firstWord) && /^-[A-Za-z]*i/.test(word)) declaresIntegers = true;
        else if (!commandStart && declaresIntegers && /^[A-Za-z_][A-Za-z0-9_]*/.test(word))
          integers.add(/^[A-Za-z_][A-Za-z0-9_]*/.exec(word)![0]);
        if (commandStart && nameCommands.has(word)) nameCommand = true;
        previousWord = redirected ? '' : word;
        redirected = false;
        if (commandStart && word === 'case') caseState = 'word';
        else if (caseState === 'word' && word === 'in') caseState = 'patterns';
        else if (word === 'esac') caseState = 'none';
        commandStart = leadingWords.has(word) || (commandStart && (/^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(word) || commandPrefixes.has(word)));
      }
      word = '';
      wordStart = true;
    };
    const commandEnds = () => {
      endWord();
      commandStart = true;
      firstWord = '';
      arithmeticCommand = false;
      nameCommand = false;
      declaresIntegers = false;
      previousWord = '';
      redirected = false;
    };
    /** Where a value in the current word would be evaluated rather than taken as data, if anywhere. */
    const evaluatedHere = (): UnsafeContext | undefined => {
      if (doubleBrackets) return 'double-brackets';
      if (arithmeticCommand || subscript.test(word)) return 'arithmetic';
      const assigned = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(word);
      if (commandStart && assigned && integers.has(assigned[1]!)) return 'arithmetic';
      // bash expands command substitutions in a prompt string each time it shows one (PS4 under set -x).
      if ((commandStart || integerDeclarations.has(firstWord)) && prompt.test(word)) return 'run-as-code';
      if (commandStart) return undefined;
      if (codeCommands.has(firstWord)) return 'run-as-code';
      if (redirected) return undefined;
      if (nameCommand && !word.startsWith('-')) return 'variable-name';
      const nameOption = nameOptions[firstWord];
      if (nameOption !== undefined && (previousWord === nameOption || word === nameOption)) return 'variable-name';
      // declare NAME=value: the part before = is a name.
      if (integerDeclarations.has(firstWord) && !word.includes('=') && !word.startsWith('-')) return 'variable-name';
      return undefined;
    };
    /** Reads one token; true when the command list ends. */
    const step = (): boolean => {
      const c = this.src[this.pos]!;
      if (this.isSlot()) {
        this.slot({ context: 'word' });
        word += '\0';
        wordStart = false;
        return false;
      }
      if (end === 'backtick' && c === '`') {
        this.pos++;
        return true;
      }
      if (c === '\\') {
        word += this.src[this.pos + 1] ?? '';
        wordStart = false;
        this.backslash();
        return false;
      }
      if (c === '\n') {
        this.pos++;
        commandEnds();
        this.hereDocBodies(pending);
        pending = [];
        return false;
      }
      if (c === ' ' || c === '\t') {
        endWord();
        this.pos++;
        return false;
      }
      if (c === '#' && wordStart) {
        this.skipTo((x) => x === '\n', 'comment', false);
        return false;
      }
      if (c === '(' && this.src[this.pos + 1] === '(' && (word === '' || (commandStart && (leadingWords.has(word) || word === 'for')))) {
        // ((...)) and for ((...)): arithmetic commands, also glued to the keyword as in while((...)).
        endWord();
        this.pos += 2;
        this.bracketed('(', '))', 2, 'arithmetic');
      } else if (c === '<' && this.src.startsWith('<<', this.pos) && !this.src.startsWith('<<<', this.pos)) {
        endWord();
        pending.push(this.hereDocOperator());
        return false;
      } else if (operatorChars.has(c)) {
        endWord();
        // A here-string (<<<) is an ordinary word after it, not a here-document.
        this.pos += this.src.startsWith('<<<', this.pos) ? 3 : 1;
        if (c === ')' && caseState === 'patterns') caseState = 'body';
        else if (c === ';' && this.src[this.pos] === ';' && caseState === 'body') {
          this.pos++;
          caseState = 'patterns';
        } else if (c === '(' && caseState !== 'patterns') depth++;
        else if (c === ')') {
          if (depth === 0 && end === 'paren') return true;
          depth--;
        }
        if (c !== '<' && c !== '>') commandEnds();
        else redirected = true;
        return false;
      } else if (c === "'") {
        this.pos++;
        this.skipTo((x) => x === "'", 'single-quotes', false);
        this.pos++;
      } else if (c === '"') {
        this.pos++;
        this.double(word);
      } else if (c === '`') {
        this.pos++;
        this.command('backtick');
      } else if (c === '$') {
        this.dollar(true);
      } else {
        this.pos++;
        word += c;
        wordStart = false;
        return false;
      }
      word += 'x';
      wordStart = false;
      return false;
    };
    while (this.pos < this.src.length) {
      // Inside [[ ]], let, declare -i or an array subscript, bash evaluates values as
      // arithmetic, where a[$(...)] runs code: quoting does not help, so nothing may go there.
      const evaluated = evaluatedHere();
      const from = this.slots.length;
      const ends = step();
      if (evaluated) this.poison(from, evaluated);
      if (ends) return;
    }
  }
}

/** The quoting context of every slot marker in a script, in order of appearance. */
export function shellSlots(script: string): Slot[] {
  const lexer = new Lexer(script);
  lexer.command('eof');
  return lexer.slots;
}

/** What each unsafe context means for a value, and the way out, for messages. */
export const unsafeContexts: Readonly<Record<UnsafeContext, { readonly where: string; readonly hint: string }>> = {
  'single-quotes': {
    where: "inside single quotes ('...'), where the shell inserts nothing",
    hint: 'use double quotes instead: "...{{x}}..." (the value is inserted as it is, never run)',
  },
  'ansi-c-quotes': { where: "inside $'...', where the shell inserts nothing", hint: 'use double quotes instead: "...{{x}}..."' },
  'quoted-here-doc': {
    where: "in the body of a quoted here-document (<<'EOF'), which the shell does not expand",
    hint: 'write the delimiter unquoted (<<EOF) so the body takes the value; the value itself is never run',
  },
  'here-doc-delimiter': {
    where: 'in a here-document delimiter, which must be a fixed word',
    hint: 'write the delimiter as a plain word, e.g. <<EOF',
  },
  comment: { where: 'inside a shell comment, where it does nothing', hint: 'remove it from the comment, or move it into the command' },
  arithmetic: {
    where: 'inside shell arithmetic ($((...)), ((...)), $[...], let, declare -i, an array index), where bash evaluates a value as code',
    hint: 'compute with expr, which takes values as plain arguments: $(expr {{x}} + 1); or check the number in an earlier step',
  },
  'double-brackets': {
    where: 'inside [[ ... ]], where bash may evaluate a value as arithmetic code',
    hint: 'use [ ... ] (test), which takes values as plain arguments',
  },
  'parameter-expansion': {
    where: 'inside ${...}, where the value would be read as a pattern, a number or a name',
    hint: 'put it outside the braces, e.g. "${HOME}/{{x}}"; for a fallback give the var a default',
  },
  'after-backslash': {
    where: 'right after a backslash, which would escape the quoting runbook puts around the value',
    hint: 'remove the backslash',
  },
  'run-as-code': {
    where: 'in an argument of eval, trap or alias, or in a prompt string (PS4...), which the shell runs as code',
    hint: 'give the value a name first and refer to it inside single quotes, where it stays data: f={{x}}; trap \'rm -f "$f"\' EXIT',
  },
  'variable-name': {
    where:
      'where the command takes a variable name (read, printf -v, test -v, unset, declare NAME, declare -n...), and bash evaluates an index such as a[$(...)] in a name',
    hint: 'write the variable name in the plan itself and pass the value as data, e.g. read -r line, or printf -v name %s {{x}}',
  },
  'after-dollar': {
    where: 'right after a $, which would join it to the value as a different expansion',
    hint: 'write \\$ for a literal dollar sign, or put the value in its own word',
  },
};
