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
interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Whole request, and the longest pause between two chunks of the body. */
  timeoutMs?: number;
  /** Largest body read from a success answer; more fails with ERR_RESPONSE_TOO_LARGE. */
  maxResponseBytes?: number;
}

/** An answer, body read as text. Redirects are not followed (a redirect is an answer). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** True when only the first part of an error body was read (see {@link ERROR_BODY_EXCERPT_BYTES}). */
  truncated?: boolean;
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
 * Of an error answer (4xx/5xx) only this much is read: callers quote a short reason at most,
 * and a server must not make us buffer a huge page just to report its status.
 */
const ERROR_BODY_EXCERPT_BYTES = 64 * 1024;

/** Used when neither the request nor the client says otherwise (the site default). */
const FALLBACK_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * An HTTP client over undici with the site's TLS settings (verification on by default) and
 * keep-alive connections; failures become QixflowErrors saying what to fix. Bodies are read as a
 * stream against a size cap, so a hostile or broken server cannot exhaust memory.
 */
export function createHttpClient(tls: TlsSettings, limits: { maxResponseBytes?: number } = {}): HttpClient {
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
          // A trickling body must end too: the idle limit between chunks is the request timeout.
          ...(req.timeoutMs !== undefined ? { bodyTimeout: req.timeoutMs, headersTimeout: req.timeoutMs } : {}),
        });
        const cap = req.maxResponseBytes ?? limits.maxResponseBytes ?? FALLBACK_MAX_RESPONSE_BYTES;
        const { body, truncated } = await readCapped(res.body, res.statusCode, cap, req.url);
        return { status: res.statusCode, headers: res.headers, body, ...(truncated ? { truncated } : {}) };
      } catch (error) {
        throw toHttpError(error, req, timeout);
      }
    },
    close: () => agent.close(),
  };
}

/** What undici's body stream offers that the reader needs. */
interface BodyStream extends AsyncIterable<Buffer | Uint8Array> {
  destroy(error?: Error): unknown;
}

/**
 * Reads a body up to a cap. A success answer over the cap is an error (a partial JSON or
 * handshake answer is useless); an error answer keeps its first bytes so its status can still
 * be reported. Either way the rest is never downloaded: the stream is destroyed.
 */
async function readCapped(
  stream: BodyStream,
  status: number,
  maxBytes: number,
  url: string,
): Promise<{ body: string; truncated: boolean }> {
  const excerptOnly = status >= 400;
  const limit = excerptOnly ? Math.min(maxBytes, ERROR_BODY_EXCERPT_BYTES) : maxBytes;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (size + buffer.length > limit) {
      stream.destroy();
      if (!excerptOnly) throw responseTooLarge(url, maxBytes);
      chunks.push(buffer.subarray(0, limit - size));
      return { body: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

function responseTooLarge(url: string, maxBytes: number): QixflowError {
  const where = withoutQuery(url);
  return new QixflowError(
    'ERR_RESPONSE_TOO_LARGE',
    `${where} sent a body larger than ${maxBytes} bytes (limits.maxResponseBytes); the rest was not read. ` +
      'Check host and prefix; raise limits.maxResponseBytes if such an answer is expected.',
    { url: where },
  );
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
  if (code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new QixflowError('ERR_TIMEOUT', `${url} stopped sending before its answer was complete`, { url });
  }
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
