import { type KeyObject, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { QixflowError } from '../errors.js';
import type { SigningAlgorithm } from './load-private-key.js';

/** What goes into a QSEoW virtual-proxy JWT. */
export interface ProxyJwtClaims {
  userId: string;
  userDirectory: string;
  attributes?: Record<string, string | string[] | undefined>;
  /** Claim names the virtual proxy reads. */
  claimNames: { userId: string; userDirectory: string };
  audience?: string;
}

/** What goes into a Qlik Cloud JWT-session token. */
export interface CloudJwtClaims {
  issuer: string;
  subject: string;
  name: string;
  email: string;
  emailVerified: boolean;
  groups?: string[];
}

/**
 * Signs a short-lived JWT for a JWT virtual proxy: `iat`, `nbf`, `exp` (now + lifetime) and a
 * random `jti`, plus the user claims under the proxy's claim names.
 */
export async function signProxyJwt(
  key: KeyObject,
  algorithm: SigningAlgorithm,
  claims: ProxyJwtClaims,
  options: { lifetimeSeconds: number; now: number; kid?: string },
): Promise<string> {
  const payload: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims.attributes ?? {})) if (value !== undefined) payload[name] = value;
  payload[claims.claimNames.userId] = claims.userId;
  payload[claims.claimNames.userDirectory] = claims.userDirectory;
  const now = Math.floor(options.now / 1000);
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: algorithm, typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + options.lifetimeSeconds)
    .setJti(randomUUID());
  if (claims.audience !== undefined) jwt.setAudience(claims.audience);
  return sign(jwt, key);
}

/**
 * Signs a Qlik Cloud JWT-session token: `kid`, `iss`, `aud: qlik.api/login/jwt-session`, `sub`,
 * `subType: user`, `name`, `email`, `email_verified`, `groups`, `jti`, `iat`, `nbf`, `exp` with
 * `exp − nbf` = lifetime (at most an hour).
 */
export async function signCloudJwt(
  key: KeyObject,
  algorithm: SigningAlgorithm,
  claims: CloudJwtClaims,
  options: { lifetimeSeconds: number; now: number; kid: string },
): Promise<string> {
  const now = Math.floor(options.now / 1000);
  const jwt = new SignJWT({
    subType: 'user',
    name: claims.name,
    email: claims.email,
    email_verified: claims.emailVerified,
    ...(claims.groups ? { groups: claims.groups } : {}),
  })
    .setProtectedHeader({ alg: algorithm, typ: 'JWT', kid: options.kid })
    .setIssuer(claims.issuer)
    .setAudience('qlik.api/login/jwt-session')
    .setSubject(claims.subject)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + Math.min(options.lifetimeSeconds, 3600))
    .setJti(randomUUID());
  return sign(jwt, key);
}

async function sign(jwt: SignJWT, key: KeyObject): Promise<string> {
  try {
    return await jwt.sign(key);
  } catch (error) {
    throw new QixflowError('ERR_JWT_SIGN_FAILED', `signing the JWT failed: ${(error as Error).name}`, {
      cause: new Error((error as { code?: string }).code ?? 'sign failed'),
    });
  }
}
