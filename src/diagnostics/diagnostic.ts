/** A finding about a plan or an invocation, positioned where the author can fix it. */
export interface Diagnostic {
  readonly code: string;
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly file: string;
  /** 1-based; 0 when the finding is about the whole file. */
  readonly line: number;
  /** 1-based; 0 when the finding is about the whole file. */
  readonly col: number;
  readonly hint?: string;
  readonly related?: readonly { readonly message: string; readonly line: number; readonly col: number }[];
}

/** Orders findings by file, line, column, code, and drops exact repeats. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const d of list) {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.code}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(d);
  }
  return unique.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
}

/** True when any finding is an error (warnings alone do not fail validation). */
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}
