import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { QixflowError } from '../errors.js';

/** Where a signing key can come from: PEM text (PKCS#8, PKCS#1, encrypted PKCS#8), a JWK, or a KeyObject. */
export type PrivateKeyInput = string | KeyObject | JsonWebKey;

/** Algorithms qixflow signs with. */
export type SigningAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/**
 * Turns the caller's key into a private KeyObject and checks it can sign with `algorithm`.
 * Errors say what is wrong with the key without ever quoting it.
 */
export function loadPrivateKey(input: PrivateKeyInput, algorithm: SigningAlgorithm, passphrase?: string): KeyObject {
  let key: KeyObject;
  try {
    if (typeof input === 'string') {
      const text = input.trim();
      if (text.startsWith('{')) {
        key = createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' });
      } else {
        if (!text.includes('-----BEGIN')) throw new Error('not PEM');
        key = createPrivateKey(passphrase === undefined ? { key: text } : { key: text, passphrase });
      }
    } else if (isKeyObject(input)) {
      key = input;
    } else {
      key = createPrivateKey({ key: input, format: 'jwk' });
    }
  } catch (cause) {
    const encrypted = typeof input === 'string' && input.includes('ENCRYPTED');
    throw new QixflowError(
      'ERR_JWT_KEY_INVALID',
      encrypted && passphrase === undefined
        ? 'the private key is encrypted: pass its passphrase (auth.passphrase)'
        : encrypted
          ? 'the private key could not be decrypted: check auth.passphrase'
          : 'the private key could not be read: give a PEM private key (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY"), a JWK or a KeyObject',
      { cause: sanitize(cause) },
    );
  }
  if (key.type !== 'private') {
    throw new QixflowError(
      'ERR_JWT_KEY_INVALID',
      `the key is a ${key.type} key: JWTs are signed with the private key (the proxy holds the certificate)`,
    );
  }
  checkAlgorithm(key, algorithm);
  return key;
}

function checkAlgorithm(key: KeyObject, algorithm: SigningAlgorithm): void {
  const type = key.asymmetricKeyType;
  const family = algorithm.slice(0, 2);
  let ok: boolean;
  if (family === 'RS') ok = type === 'rsa';
  else if (family === 'PS') ok = type === 'rsa' || type === 'rsa-pss';
  else ok = type === 'ec' && key.asymmetricKeyDetails?.namedCurve === EC_CURVES[algorithm];
  if (!ok) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new QixflowError(
      'ERR_JWT_ALGORITHM_MISMATCH',
      `algorithm ${algorithm} cannot be used with this ${type ?? 'unknown'}${curve ? ` (${curve})` : ''} key: ` +
        (family === 'ES' ? `${algorithm} needs an EC ${EC_CURVES[algorithm]} key` : `${algorithm} needs an RSA key`),
    );
  }
  if ((family === 'RS' || family === 'PS') && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new QixflowError('ERR_JWT_KEY_INVALID', 'the RSA key is shorter than 2048 bits: JWT verifiers refuse it');
  }
}

function isKeyObject(value: unknown): value is KeyObject {
  return typeof value === 'object' && value !== null && 'asymmetricKeyType' in value && 'export' in value;
}

/** Node's key errors can echo input fragments: keep only the error's name and code. */
function sanitize(cause: unknown): Error {
  const code = (cause as { code?: string })?.code;
  return new Error(code ? `key parsing failed (${code})` : 'key parsing failed');
}
