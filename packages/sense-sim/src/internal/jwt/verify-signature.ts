import type { KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import type { RejectReason } from '../../audit-log.js';

export type SignatureCheck =
  | { ok: true; header: ProtectedHeaderParameters; payload: Record<string, unknown> }
  | { ok: false; reason: RejectReason; detail: string };

/**
 * Checks a compact JWS: size, an allowed algorithm (so `none`, HS* and anything else not listed
 * never reach a key), the signature, and that the payload is a JSON object. Claims are checked
 * by the caller, which knows its rules.
 */
export async function verifySignature(
  token: string,
  key: KeyObject,
  algorithms: readonly string[],
  maxBytes: number,
): Promise<SignatureCheck> {
  if (token.length > maxBytes) {
    return { ok: false, reason: 'token-too-large', detail: `token is ${token.length} bytes, limit ${maxBytes}` };
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { ok: false, reason: 'token-malformed', detail: 'not a compact JWS' };
  }
  const alg = typeof header.alg === 'string' ? header.alg : '';
  if (!algorithms.includes(alg)) {
    return { ok: false, reason: 'alg-not-allowed', detail: `algorithm '${alg.slice(0, 16)}' not accepted` };
  }
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(token, key, { algorithms: [...algorithms] }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
      return { ok: false, reason: 'bad-signature', detail: 'signature does not verify with the configured key' };
    }
    if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') {
      return { ok: false, reason: 'alg-not-allowed', detail: `algorithm '${alg}' not accepted` };
    }
    // Wrong key type for the algorithm, bad base64, …
    return { ok: false, reason: 'token-malformed', detail: 'token cannot be verified' };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(payloadBytes));
  } catch {
    return { ok: false, reason: 'token-malformed', detail: 'payload is not JSON' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, reason: 'token-malformed', detail: 'payload is not a JSON object' };
  }
  return { ok: true, header, payload: payload as Record<string, unknown> };
}

/** A NumericDate claim when present and numeric; `null` when present but not a number. */
export function numericClaim(payload: Record<string, unknown>, name: string): number | undefined | null {
  const value = payload[name];
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
