import { redact, redactValue } from './redact.js';

/** Where qixflow writes what it does. Messages and fields never hold keys, JWTs or cookie values. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One message on the wire, as the traffic hook sees it (redacted: no query strings, no headers). */
export type TrafficEvent =
  | { kind: 'http'; direction: 'sent'; method: string; url: string }
  | { kind: 'http'; direction: 'received'; method: string; url: string; status: number }
  | { kind: 'ws'; direction: 'sent' | 'received'; url: string; data: string };

/** A logger that drops everything (the default). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Wraps a logger so that every message and field goes through {@link redact} / {@link redactValue}
 * first: log lines quote server answers, URLs and engine frames, any of which may hold a credential.
 *
 * @example
 * ```ts
 * const logger = redactingLogger(console);
 * logger.warn('connect failed: Server=db1;PWD=x', { token: 't' }); // 'connect failed: Server=db1;PWD=***' { token: '***' }
 * ```
 */
export function redactingLogger(logger: Logger): Logger {
  const line =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (fields === undefined) logger[level](redact(message));
      else logger[level](redact(message), redactValue(fields));
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/**
 * Wraps a traffic hook so that it sees URLs and websocket frames redacted: frames carry load
 * scripts (`GetScript`) and connection strings (`GetConnection`), URLs the CSRF token.
 *
 * @example
 * ```ts
 * const onTraffic = redactTraffic((event) => console.log(event.kind, event.url));
 * ```
 */
export function redactTraffic(hook: (event: TrafficEvent) => void): (event: TrafficEvent) => void {
  return (event) => {
    if (event.kind === 'ws') hook({ ...event, url: redact(event.url), data: redactFrame(event.data) });
    else hook({ ...event, url: redact(event.url) });
  };
}

// A frame is JSON: redacting its values keeps it parseable, where redacting the text could cut an
// escape sequence in two. Anything else is redacted as text.
function redactFrame(data: string): string {
  const asText = redact(data);
  if (asText === data) return data;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return asText;
  }
  return JSON.stringify(redactValue(parsed));
}
