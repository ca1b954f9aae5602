import type { KeyObject } from 'node:crypto';
import type { RejectReason } from '../../audit-log.js';
import type { Clock } from '../../clock.js';
import type { ResolvedVirtualProxy } from '../../options.js';
import { numericClaim, verifySignature } from '../jwt/verify-signature.js';
import type { SessionUser } from '../session/proxy-session-store.js';

export type ProxyJwtCheck = { ok: true; user: SessionUser } | { ok: false; reason: RejectReason; detail: string };

/**
 * Validates a JWT the way a QSEoW JWT virtual proxy does: RS256/384/512 only, the configured
 * certificate, `exp`/`nbf` honoured when present (with the configured skew), the audience when
 * one is configured, and the user id / user directory claims under their configured names.
 */
export async function verifyProxyJwt(
  token: string,
  key: KeyObject,
  vp: ResolvedVirtualProxy,
  clock: Clock,
): Promise<ProxyJwtCheck> {
  const checked = await verifySignature(token, key, vp.jwt.algorithms, vp.jwt.maxTokenBytes);
  if (!checked.ok) return checked;
  const { payload } = checked;
  const now = clock.now() / 1000;
  const skew = vp.jwt.clockSkewSeconds;

  const exp = numericClaim(payload, 'exp');
  if (exp === null) return { ok: false, reason: 'token-malformed', detail: "'exp' is not a number" };
  if (exp !== undefined && now >= exp + skew) return { ok: false, reason: 'token-expired', detail: 'token expired' };
  const nbf = numericClaim(payload, 'nbf');
  if (nbf === null) return { ok: false, reason: 'token-malformed', detail: "'nbf' is not a number" };
  if (nbf !== undefined && now < nbf - skew) {
    return { ok: false, reason: 'token-not-yet-valid', detail: 'token not valid yet (nbf)' };
  }
  if (vp.jwt.audience !== undefined) {
    const aud = payload.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(vp.jwt.audience))
      return { ok: false, reason: 'wrong-audience', detail: 'audience mismatch' };
  }
  const userId = payload[vp.jwt.userIdAttribute];
  const userDirectory = payload[vp.jwt.userDirectoryAttribute];
  for (const [name, value] of [
    [vp.jwt.userIdAttribute, userId],
    [vp.jwt.userDirectoryAttribute, userDirectory],
  ] as const) {
    if (typeof value !== 'string' || value.trim() === '') {
      return { ok: false, reason: 'missing-claim', detail: `claim '${name}' missing or empty` };
    }
  }
  const attributes: Record<string, string[]> = {};
  for (const { jwtAttribute, senseAttribute } of vp.jwt.attributeMap) {
    const value = payload[jwtAttribute];
    if (value === undefined) continue;
    attributes[senseAttribute] = (Array.isArray(value) ? value : [value]).map(String);
  }
  // The groups claim, as the session attribute section access matches GROUP against.
  const groups = payload[vp.jwt.groupAttribute];
  if (typeof groups === 'string' || Array.isArray(groups)) {
    const listed = (Array.isArray(groups) ? groups : [groups]).map(String);
    attributes.group = [...new Set([...(attributes.group ?? []), ...listed])];
  }
  return {
    ok: true,
    user: { userId: userId as string, userDirectory: userDirectory as string, attributes },
  };
}
