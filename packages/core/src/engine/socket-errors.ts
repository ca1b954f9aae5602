import { QixflowError } from '../errors.js';
import { toHttpError } from '../http/http-client.js';
import { redact } from '../redact.js';
import { toEngineError } from './engine-errors.js';

/** The proxy's answer when it refused a websocket upgrade: status and a short body. */
export interface UpgradeRefusal {
  status: number;
  body: string;
}

/** What the mapping needs to say what to fix. */
export interface SocketErrorContext {
  /** The engine URL as it may be shown (no query string). */
  url: string;
  /** The proxy base, for transport errors. */
  proxyBase: string;
  origin: string;
  csrf: string;
  connectMs: number;
  refusal: UpgradeRefusal | undefined;
}

/**
 * What a failed websocket upgrade or open means: a refused upgrade by its status (401 cookie,
 * 403 Origin or CSRF, anything else a refused route), a handshake timeout, a transport failure,
 * or whatever enigma.js rejected with.
 */
export function toSocketError(error: unknown, ctx: SocketErrorContext): QixflowError {
  if (error instanceof QixflowError) return error;
  const message = String((error as Error)?.message ?? '');
  const status = ctx.refusal?.status ?? Number(/Unexpected server response: (\d{3})/.exec(message)?.[1] ?? Number.NaN);
  if (!Number.isNaN(status)) return refusedUpgrade(status, shortReason(ctx.refusal?.body ?? ''), ctx);
  if (/handshake has timed out/i.test(message)) {
    return new QixflowError('ERR_TIMEOUT', `the engine websocket did not open within ${ctx.connectMs} ms`, {
      url: ctx.url,
    });
  }
  if (typeof (error as { code?: unknown })?.code === 'string') return toHttpError(error, { url: ctx.proxyBase });
  // ws reports a refused or reset connection as an error event wrapping the socket's error.
  const transport = (error as { error?: { code?: unknown } } | undefined)?.error;
  if (typeof transport?.code === 'string' && !transport.code.startsWith('WS_ERR_'))
    return toHttpError(transport, { url: ctx.proxyBase });
  return toEngineError(error, 'connect');
}

/** The proxy's reason is one line; whatever follows (or a token in it) is not for messages. */
function shortReason(body: string): string {
  return redact(body.trim().split('\n')[0] ?? '')
    .slice(0, 200)
    .trim();
}

function refusedUpgrade(status: number, reason: string, ctx: SocketErrorContext): QixflowError {
  const { url } = ctx;
  if (status === 401) {
    return new QixflowError('ERR_HANDSHAKE_REJECTED', 'the proxy rejected the session cookie on the websocket (401)', {
      status: 401,
      url,
    });
  }
  if (status === 403 && /csrf|hijacking|authorization/i.test(reason)) {
    return new QixflowError(
      'ERR_FORBIDDEN_CSRF',
      `the proxy refused the websocket (403: ${reason}): servers from November 2024 need the qlik-csrf-token and ` +
        `refuse an Authorization header on the upgrade; use csrf: 'auto' (now '${ctx.csrf}')`,
      { status: 403, url },
    );
  }
  if (status === 403) {
    return new QixflowError(
      'ERR_FORBIDDEN_ORIGIN',
      `the proxy refused the websocket (403${reason ? `: ${reason}` : ''}): add '${new URL(ctx.origin).hostname}' ` +
        "to the virtual proxy's host allow list (or set origin)",
      { status: 403, url },
    );
  }
  return new QixflowError(
    'ERR_HANDSHAKE_FAILED',
    `the engine websocket was refused (${status}${reason ? `: ${reason}` : ''}): check the prefix and app id`,
    { status, url },
  );
}
