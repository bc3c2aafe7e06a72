/** Sets the command's exit code (commander actions return nothing). */
export type Finish = (code: number) => void;

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
