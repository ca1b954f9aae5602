import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { generate } from 'selfsigned';

/** The key pair JWTs are signed with, in every form a client or a QMC admin needs. */
export interface SigningKeys {
  /** PKCS#8 PEM private key: give it to the client that signs JWTs. */
  privateKey: string;
  /** SPKI PEM public key. */
  publicKey: string;
  /** Self-signed X.509 PEM certificate of the key: what the QMC's "JWT certificate" field holds. */
  certificate: string;
}

/** A TLS server identity. */
export interface TlsCredentials {
  /** PEM certificate; also what clients put in `ca` to trust the simulator. */
  cert: string;
  key: string;
}

// Generating keys and certificates costs ~100 ms; tests start many simulators in one process,
// so the generated defaults are made once per process (keys the caller passes are never cached).
let defaultSigning: Promise<SigningKeys> | undefined;
const defaultTls = new Map<string, Promise<TlsCredentials>>();

/** The process-wide generated RSA-2048 signing key pair (with its certificate). */
export function defaultSigningKeys(): Promise<SigningKeys> {
  // Off the event loop (libuv's thread pool): RSA key generation takes ~0.5 s, and a signal or a
  // request arriving meanwhile must be answered.
  defaultSigning ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then(signingKeysFrom);
  return defaultSigning;
}

/** Signing keys from a given pair, with a self-signed certificate for it. */
export async function signingKeysFrom(pair: {
  privateKey: KeyObject | string;
  publicKey: KeyObject | string;
}): Promise<SigningKeys> {
  const privateKey = typeof pair.privateKey === 'string' ? createPrivateKey(pair.privateKey) : pair.privateKey;
  const publicKey = typeof pair.publicKey === 'string' ? createPublicKey(pair.publicKey) : pair.publicKey;
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const cert = await generate([{ name: 'commonName', value: 'qixflow-sim JWT signer' }], {
    keyPair: { privateKey: privatePem, publicKey: publicPem },
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600_000),
  });
  return { privateKey: privatePem, publicKey: publicPem, certificate: cert.cert };
}

/** A self-signed TLS certificate for `hostname`, localhost and 127.0.0.1 (made once per hostname). */
export function defaultTlsCredentials(hostname: string): Promise<TlsCredentials> {
  let found = defaultTls.get(hostname);
  if (!found) {
    found = generate([{ name: 'commonName', value: hostname }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 365 * 24 * 3600_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: hostname },
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    }).then((r) => ({ cert: r.cert, key: r.private }));
    defaultTls.set(hostname, found);
  }
  return found;
}
