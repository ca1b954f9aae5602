import type { KeyObject } from 'node:crypto';
import type { RejectReason } from '../../audit-log.js';
import type { Clock } from '../../clock.js';
import type { ResolvedTenant } from '../../options.js';
import { numericClaim, verifySignature } from '../jwt/verify-signature.js';
import type { SessionUser } from '../session/proxy-session-store.js';

/** Audience Qlik Cloud requires on a JWT login token. */
export const CLOUD_AUDIENCE = 'qlik.api/login/jwt-session';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
const REQUIRED = [
  'iss',
  'aud',
  'sub',
  'subType',
  'name',
  'email',
  'email_verified',
  'jti',
  'iat',
  'nbf',
  'exp',
] as const;

export type CloudJwtCheck =
  | { ok: true; user: SessionUser; jti: string; exp: number }
  | { ok: false; status: 400 | 401; reason: RejectReason; detail: string };

/**
 * Validates a Qlik Cloud JWT-session token: asymmetric algorithms only, `kid` matching the
 * identity provider, every required claim present (400 otherwise), then issuer, audience,
 * `subType`, time window with tolerance and `exp − nbf ≤ 3600 s`. Replay (`jti`) is checked by
 * the caller, which owns the store.
 */
export async function verifyCloudJwt(
  token: string,
  key: KeyObject,
  tenant: ResolvedTenant,
  clock: Clock,
): Promise<CloudJwtCheck> {
  const checked = await verifySignature(token, key, ALGORITHMS, 16_384);
  if (!checked.ok) return { ...checked, status: 401 };
  const { header, payload } = checked;
  if (header.kid !== tenant.keyId) {
    return { ok: false, status: 401, reason: 'wrong-kid', detail: 'kid does not match the identity provider' };
  }
  for (const claim of REQUIRED) {
    if (payload[claim] === undefined) {
      return {
        ok: false,
        status: 400,
        reason: 'missing-claim',
        detail: `JWT_LOGIN_VALIDATIONS Missing required claim: ${claim}`,
      };
    }
  }
  const iat = numericClaim(payload, 'iat');
  const nbf = numericClaim(payload, 'nbf');
  const exp = numericClaim(payload, 'exp');
  if (typeof iat !== 'number' || typeof nbf !== 'number' || typeof exp !== 'number') {
    return {
      ok: false,
      status: 400,
      reason: 'token-malformed',
      detail: 'JWT_LOGIN_VALIDATIONS iat, nbf and exp must be numbers',
    };
  }
  for (const claim of ['sub', 'name', 'email', 'jti'] as const) {
    if (typeof payload[claim] !== 'string' || payload[claim] === '') {
      return {
        ok: false,
        status: 400,
        reason: 'missing-claim',
        detail: `JWT_LOGIN_VALIDATIONS Invalid claim: ${claim}`,
      };
    }
  }
  if (payload.iss !== tenant.issuer) {
    return { ok: false, status: 401, reason: 'wrong-issuer', detail: 'issuer does not match the identity provider' };
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.includes(CLOUD_AUDIENCE)) {
    return { ok: false, status: 401, reason: 'wrong-audience', detail: `audience must be '${CLOUD_AUDIENCE}'` };
  }
  if (payload.subType !== 'user') {
    return { ok: false, status: 400, reason: 'wrong-subtype', detail: "JWT_LOGIN_VALIDATIONS subType must be 'user'" };
  }
  if (exp - nbf > 3600) {
    return {
      ok: false,
      status: 400,
      reason: 'lifetime-too-long',
      detail: 'JWT_LOGIN_VALIDATIONS token validity (exp - nbf) cannot exceed 3600 seconds',
    };
  }
  const now = clock.now() / 1000;
  const tolerance = tenant.clockToleranceSeconds;
  if (now >= exp + tolerance) return { ok: false, status: 401, reason: 'token-expired', detail: 'token expired' };
  if (now < nbf - tolerance)
    return { ok: false, status: 401, reason: 'token-not-yet-valid', detail: 'token not valid yet' };

  const groups = payload.groups;
  const attributes: Record<string, string[]> = {
    name: [String(payload.name)],
    email: [String(payload.email)],
    ...(Array.isArray(groups) ? { groups: groups.map(String) } : {}),
  };
  return {
    ok: true,
    user: { userDirectory: 'QLIKCLOUD', userId: String(payload.sub), attributes },
    jti: String(payload.jti),
    exp,
  };
}
