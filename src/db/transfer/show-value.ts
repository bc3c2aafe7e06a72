/** A value shown in a message: quoted, cut at 60 characters, blobs as hex. */
export function showValue(v: unknown): string {
  if (Buffer.isBuffer(v)) return `x'${v.subarray(0, 24).toString('hex')}${v.length > 24 ? '…' : ''}'`;
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  return String(v);
}
