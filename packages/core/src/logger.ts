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
