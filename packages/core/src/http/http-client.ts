import { Agent, request as undiciRequest } from 'undici';
import { QixflowError } from '../errors.js';

/** TLS settings for every HTTPS request and websocket of a site. */
export interface TlsSettings {
  ca?: string | undefined;
  rejectUnauthorized: boolean;
  cert?: string | undefined;
  key?: string | undefined;
  passphrase?: string | undefined;
}

/** One HTTP request. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** An answer, body read as text. Redirects are not followed (a redirect is an answer). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What qixflow needs from an HTTP client; injectable for tests. */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/**
 * An HTTP client over undici with the site's TLS settings (verification on by default) and
 * keep-alive connections; failures become QixflowErrors saying what to fix.
 */
export function createHttpClient(tls: TlsSettings): HttpClient {
  const agent = new Agent({
    connect: {
      ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
      ...(tls.key !== undefined ? { key: tls.key } : {}),
      ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    },
    keepAliveTimeout: 10_000,
  });
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const timeout = req.timeoutMs !== undefined ? AbortSignal.timeout(req.timeoutMs) : undefined;
      const signal = timeout && req.signal ? AbortSignal.any([timeout, req.signal]) : (timeout ?? req.signal);
      try {
        const res = await undiciRequest(req.url, {
          method: req.method,
          dispatcher: agent,
          ...(req.headers ? { headers: req.headers } : {}),
          ...(req.body !== undefined ? { body: req.body } : {}),
          ...(signal ? { signal } : {}),
        });
        const body = await res.body.text();
        return { status: res.statusCode, headers: res.headers, body };
      } catch (error) {
        throw toHttpError(error, req, timeout);
      }
    },
    close: () => agent.close(),
  };
}

/** Maps a transport failure to the error a user can act on. */
export function toHttpError(
  error: unknown,
  req: { url: string; signal?: AbortSignal },
  timeout?: AbortSignal,
): QixflowError {
  const url = withoutQuery(req.url);
  if (error instanceof QixflowError) return error;
  if (timeout?.aborted) return new QixflowError('ERR_TIMEOUT', `no answer from ${url} in time`, { url });
  if (req.signal?.aborted) return new QixflowError('ERR_ABORTED', `request to ${url} aborted`, { url });
  const code = errorCode(error);
  if (code && TLS_CODES.has(code)) {
    return new QixflowError(
      'ERR_TLS',
      `TLS verification of ${new URL(url).host} failed (${code}): the server's certificate is not trusted. ` +
        'Pass the CA that signed it as tls.ca (or tls.caFile); tls.rejectUnauthorized: false only for tests.',
      { url, cause: new Error(code) },
    );
  }
  return new QixflowError(
    'ERR_NETWORK',
    `cannot reach ${new URL(url).origin} (${code ?? (error as Error)?.message ?? 'network error'}): check host, port and network`,
    { url, cause: new Error(code ?? 'network error') },
  );
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR_CONNECT_TIMEOUT') return code;
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A URL without its query string (which may hold a CSRF token or xrfkey). */
export function withoutQuery(url: string): string {
  const index = url.search(/[?#]/);
  return index < 0 ? url : url.slice(0, index);
}
