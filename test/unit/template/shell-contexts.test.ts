import { describe, expect, it } from 'vitest';
import { shellSlots, slotMarker, type Slot } from '../../../src/template/shell-contexts.js';

/** The script with `@` standing for each slot, in order. */
function contexts(script: string): string[] {
  let n = 0;
  const marked = script.replace(/@/g, () => slotMarker(n++));
  return shellSlots(marked)
    .sort((a: Slot, b: Slot) => a.slot - b.slot)
    .map((s) => ('context' in s ? s.context : `unsafe:${s.unsafe}`));
}

describe('shellSlots', () => {
  it.each([
    ['echo @', ['word']],
    ['cp @ to/@.db', ['word', 'word']],
    ['echo "a @ b"', ['double-quotes']],
    ['echo "$(printf %s @)"', ['word']],
    ['echo "`printf %s "@"`"', ['double-quotes']],
    ['echo `printf %s @`', ['word']],
    ['echo $(echo "in @" $(echo @))', ['double-quotes', 'word']],
    ['x=@; y="$x@"', ['word', 'double-quotes']],
    ['cat <<EOF\nline @\n$(echo @)\nEOF\necho @', ['here-doc', 'word', 'word']],
    ['cat <<-EOF\n\tline @\n\tEOF\necho @', ['here-doc', 'word']],
    ['cat <<<@', ['word']],
    ['case @ in\n  a) echo @ ;;\n  (b) echo "@" ;;\nesac', ['word', 'word', 'double-quotes']],
    ['echo $(case x in a) echo @;; esac) @', ['word', 'word']],
    ['[ @ -eq 1 ] && echo ok # fine', ['word']],
    ['echo a#@', ['word']],
    ['[ "@" -eq 1 ] && a[1]=@', ['double-quotes', 'word']],
    ['declare -r n=@', ['word']],
    ['echo "a[1] @ [@"', ['double-quotes', 'double-quotes']],
    ['read -r line <<< @; printf -v n %s @', ['word', 'word']],
    ['export A=@ B="@"; local c=@', ['word', 'double-quotes', 'word']],
    ['declare -i n; m=@; echo eval @', ['word', 'word']],
    ['evaluate @; traps @', ['word', 'word']],
  ])('%j takes references in %j', (script, expected) => {
    expect(contexts(script)).toEqual(expected);
  });

  it.each([
    ["echo '@'", 'single-quotes'],
    ["echo $'@'", 'ansi-c-quotes'],
    ["cat <<'EOF'\n@\nEOF", 'quoted-here-doc'],
    ['cat <<"EOF"\n@\nEOF', 'quoted-here-doc'],
    ['cat <<\\EOF\n@\nEOF', 'quoted-here-doc'],
    ['cat <<E"O"F\n@\nEOF', 'quoted-here-doc'],
    ['cat <<@\nx\n', 'here-doc-delimiter'],
    ['echo x # @', 'comment'],
    ['# @\necho', 'comment'],
    ['echo $((1 + @))', 'arithmetic'],
    ['echo "$((@))"', 'arithmetic'],
    ['((n = @))', 'arithmetic'],
    ['let n=@', 'arithmetic'],
    ['echo $[@]', 'arithmetic'],
    ['[[ @ -eq 1 ]]', 'double-brackets'],
    ['[[ "@" -eq 1 ]]', 'double-brackets'],
    ['let "n=@"', 'arithmetic'],
    ['for ((i = 0; i < "@"; i++)); do :; done', 'arithmetic'],
    ['a[@]=1', 'arithmetic'],
    ['a["@"]=1', 'arithmetic'],
    ['a[$(echo "@")]=1', 'arithmetic'],
    ['declare -i n="@"', 'arithmetic'],
    ['unset "a[@]"', 'arithmetic'],
    ['test -v "arr[x@]"', 'arithmetic'],
    ['local -ri n=@', 'arithmetic'],
    ['echo ${HOME:-@}', 'parameter-expansion'],
    ['echo "${x#@}"', 'parameter-expansion'],
    ['echo \\@', 'after-backslash'],
    ['echo "\\@"', 'after-backslash'],
    ['echo $@', 'after-dollar'],
    ['echo "$@"', 'after-dollar'],
    ['eval "echo @"', 'run-as-code'],
    ['eval "$(echo @)"', 'run-as-code'],
    ['x=1 command eval echo @', 'run-as-code'],
    ['if builtin eval "true @"; then :; fi', 'run-as-code'],
    ['trap "rm -f @" EXIT', 'run-as-code'],
    ['trap -- "echo @" EXIT', 'run-as-code'],
    ['alias e="echo @"', 'run-as-code'],
    ['read @ <<< 1', 'variable-name'],
    ['printf -v "@" %s 1', 'variable-name'],
    ['test -v @', 'variable-name'],
    ['[ -v @ ]', 'variable-name'],
    ['wait -p @ $!', 'variable-name'],
    ['declare -g @=1', 'variable-name'],
    ['export @', 'variable-name'],
    ['declare -n r=@', 'variable-name'],
    ['typeset -n r="@"', 'variable-name'],
    ['declare -i n; n="@"', 'arithmetic'],
    ['typeset -i n=0\nn+=@', 'arithmetic'],
    ['for((i = 0; i < @; i++)); do :; done', 'arithmetic'],
    ['PS4="+@ "; set -x', 'run-as-code'],
    ['export PS4=@', 'run-as-code'],
    ['printf -v@ %s 1', 'variable-name'],
    ['while((i < @)); do :; done', 'arithmetic'],
    ['until((i > @)); do :; done', 'arithmetic'],
    ['if((1 < @)); then :; elif((2 < 1)); then :; fi', 'arithmetic'],
  ])('%j is refused: %s', (script, unsafe) => {
    expect(contexts(script)).toEqual([`unsafe:${unsafe}`]);
  });

  it('goes back to references after a refused region closes', () => {
    expect(contexts('echo \'@\' @ "@" $((1)) @')).toEqual(['unsafe:single-quotes', 'word', 'double-quotes', 'word']);
    expect(contexts('[[ -n x ]] && echo @')).toEqual(['word']);
    expect(contexts('let x=1; echo @')).toEqual(['word']);
  });
});
