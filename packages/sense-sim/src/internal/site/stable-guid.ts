import { createHash } from 'node:crypto';

/** A GUID-shaped id derived from a name, so fixtures without ids get the same ids on every start. */
export function stableGuid(kind: string, name: string): string {
  const hex = createHash('sha1').update(`${kind}\u0000${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
