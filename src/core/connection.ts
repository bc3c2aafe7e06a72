/** A named database as the plan's `connections:` section declares it, rendered. */
export type ConnectionSpec =
  | { readonly name: string; readonly type: 'sqlite'; readonly path: string }
  | { readonly name: string; readonly type: 'postgres'; readonly url: string };
