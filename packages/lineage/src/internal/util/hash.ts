import { createHash } from 'node:crypto';

/** Hex sha256 of a text, cut to `length` characters (stable ids and content hashes). */
export function sha256Hex(text: string, length = 64): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * A deterministic UUID (version 5 layout, sha256-based) from a text: the same text always gives the
 * same UUID, so re-runs produce identical OpenLineage run ids.
 */
export function deterministicUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
