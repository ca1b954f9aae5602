import { generate } from 'selfsigned';

/** A self-signed EC P-256 certificate for 127.0.0.1, like the simulator's, for baseline servers. */
export async function benchTlsCredentials(): Promise<{ cert: string; key: string }> {
  const result = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: result.cert, key: result.private };
}
