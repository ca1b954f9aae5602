import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';

/** Where and how the notifications source of `site.changes()` listens for QRS callbacks. */
export interface ChangeReceiverOptions {
  /** Address to bind; default `127.0.0.1` (only this machine). `0.0.0.0` / `::` listen on every interface. */
  readonly host?: string;
  /** Port to listen on; default 0 (any free port — then set no firewall rule by port, or choose one). */
  readonly port?: number;
  /**
   * The URL at which the QRS (the central node) reaches this receiver, e.g.
   * `https://watcher.corp.example:8443` or a reverse proxy's `https://gw.corp.example/hooks/qixflow`;
   * the feed appends `/<secret token>`. Default `http(s)://<host>:<port>` (for a wildcard host, this
   * machine's host name).
   */
  readonly publicUrl?: string;
  /** Serve HTTPS with this certificate and key (PEM); default plain HTTP. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer; readonly passphrase?: string };
  /** Largest callback body accepted, bytes; default 65 536 (a QRS callback is an array of a few changes). */
  readonly maxBodyBytes?: number;
}

/**
 * A small HTTP(S) server for QRS change callbacks. QRS calls back without authentication, so the
 * callback URL carries a random 256-bit token (constant-time compared; never logged or put in an
 * error): requests with another token or method are refused (403/405), bodies are bounded (413)
 * and must be JSON (400). A valid callback is answered 204 at once and reported (`onCallback`).
 */
export class ChangeReceiver {
  readonly #options: ChangeReceiverOptions;
  readonly #token = randomBytes(32).toString('base64url');
  readonly #onCallback: () => void;
  #server: Server | undefined;
  #callbackUrl: string | undefined;
  /** Webhook secrets a `qlik-signature` may be made with; empty: no signature is required. */
  #secrets: readonly string[] = [];

  /** `onCallback` runs for each accepted callback (after its answer is sent). */
  constructor(options: ChangeReceiverOptions, onCallback: () => void) {
    this.#options = options;
    this.#onCallback = onCallback;
    if (options.publicUrl !== undefined) {
      const url = new URL(options.publicUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new TypeError(`receiver.publicUrl must be http(s), got ${url.protocol}`);
    }
  }

  /** Whether the server listens. */
  get listening(): boolean {
    return this.#server?.listening === true;
  }

  /** The URL QRS calls back (contains the secret token: never log it). Undefined until started. */
  get callbackUrl(): string | undefined {
    return this.#callbackUrl;
  }

  /**
   * From now on, a callback must carry `qlik-signature` = hex HMAC-SHA256 of its body made with one
   * of these secrets (Qlik Cloud webhooks); a missing or wrong signature is refused 401. Empty: none
   * is required (QRS callbacks).
   */
  acceptSignatures(secrets: readonly string[]): void {
    this.#secrets = [...secrets];
  }

  /** Starts listening (once); resolves with the callback URL. */
  async start(): Promise<string> {
    if (this.#server?.listening && this.#callbackUrl) return this.#callbackUrl;
    const { tls } = this.#options;
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.#handle(req, res);
    const server = tls
      ? createHttpsServer(
          { cert: tls.cert, key: tls.key, ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}) },
          handler,
        )
      : createHttpServer(handler);
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    server.keepAliveTimeout = 5_000;
    const host = this.#options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    this.#callbackUrl = `${this.#base(host, port).replace(/\/+$/, '')}/${this.#token}`;
    return this.#callbackUrl;
  }

  /** Stops listening and ends open connections. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  #base(host: string, port: number): string {
    if (this.#options.publicUrl !== undefined) return this.#options.publicUrl;
    const scheme = this.#options.tls ? 'https' : 'http';
    const wildcard = host === '0.0.0.0' || host === '::' || host === '';
    const name = wildcard ? hostname() : host.includes(':') ? `[${host}]` : host;
    return `${scheme}://${name}:${port}`;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const status = this.#refusal(req);
    if (status !== undefined) {
      refuse(req, res, status);
      return;
    }
    const limit = this.#options.maxBodyBytes ?? 65_536;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      refuse(req, res, 413);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        refuse(req, res, 413);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (res.headersSent || res.writableEnded) return;
      const body = Buffer.concat(chunks);
      if (!this.#signed(body, req.headers['qlik-signature'])) {
        refuse(req, res, 401);
        return;
      }
      // The body is not used beyond this: which changes it names, the poll reads from QRS itself.
      if (!isJson(body.toString('utf8'))) {
        refuse(req, res, 400);
        return;
      }
      res.writeHead(204).end();
      this.#onCallback();
    });
    req.on('error', () => res.destroy());
  }

  /** Whether the body is signed with an accepted secret (always, when none is required). */
  #signed(body: Buffer, header: string | string[] | undefined): boolean {
    if (this.#secrets.length === 0) return true;
    if (typeof header !== 'string' || !/^[0-9a-f]{64}$/i.test(header)) return false;
    const given = Buffer.from(header.toLowerCase(), 'hex');
    return this.#secrets.some((secret) => timingSafeEqual(given, createHmac('sha256', secret).update(body).digest()));
  }

  /** Why a request is refused before its body is read; undefined when it may be a callback. */
  #refusal(req: IncomingMessage): number | undefined {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const last = path.slice(path.lastIndexOf('/') + 1);
    const given = Buffer.from(last);
    const token = Buffer.from(this.#token);
    if (given.length !== token.length || !timingSafeEqual(given, token)) return 403;
    if (req.method !== 'POST') return 405;
    return undefined;
  }
}

/** Answers a refused request and stops reading it (no body is echoed, nothing of the URL). */
function refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
  if (!res.headersSent) res.writeHead(status, { connection: 'close', 'content-type': 'text/plain' });
  // A body too large is not read on: the connection ends once the answer is out.
  if (status === 413) res.once('finish', () => req.destroy());
  else req.resume();
  res.end(
    status === 413 ? 'Payload Too Large' : status === 400 ? 'Bad Request' : status === 401 ? 'Unauthorized' : 'Refused',
  );
}

/** Whether a callback body is JSON (its content is not used: a callback only says "poll now"). */
function isJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}
