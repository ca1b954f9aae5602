import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The request/answer shapes of `@qixflow/core`'s injectable HTTP client (`io.http`). */
interface Request {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** An HTTP client for `createSite({ io: { http } })` that counts requests and bytes received. */
export interface CountingHttp {
  request(
    req: Request,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>;
  close(): Promise<void>;
  /** Requests sent, and bytes received (status line and headers approximated, body exact). */
  readonly counts: { requests: number; bytes: number };
}

/** A plain node:http(s) client trusting `ca`, counting what it does. */
export function countingHttp(ca: string): CountingHttp {
  const counts = { requests: 0, bytes: 0 };
  return {
    counts,
    close: async () => undefined,
    request: (req) =>
      new Promise((resolve, reject) => {
        counts.requests += 1;
        const url = new URL(req.url);
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const outgoing = send(
          url,
          { method: req.method, headers: req.headers, ca, agent: false, signal: req.signal, timeout: req.timeoutMs },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const body = Buffer.concat(chunks);
              counts.bytes += body.length + 20 + res.rawHeaders.reduce((n, h) => n + h.length + 2, 0);
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body.toString('utf8') });
            });
            res.on('error', reject);
          },
        );
        outgoing.on('error', reject);
        outgoing.end(req.body);
      }),
  };
}
