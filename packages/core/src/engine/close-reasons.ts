import type { QixflowErrorCode } from '../errors.js';

/** What a proxy notification or a close code means for the connection. */
export interface EndReason {
  code: QixflowErrorCode;
  message: string;
  /** Whether an automatic resume is worth trying. */
  reconnect: boolean;
}

/**
 * Proxy notifications that end the socket (DESIGN §2.4): a licence or session-limit refusal and a
 * logout elsewhere are final; a timed-out or closed session and a lost engine are worth a resume.
 */
const PROXY_NOTIFICATIONS: Readonly<Record<string, EndReason>> = {
  OnMaxParallelSessionsExceeded: {
    code: 'ERR_SESSION_LIMIT_EXCEEDED',
    message:
      'the proxy refused the engine connection: this user has reached the maximum of parallel sessions (5 for identified-user licences; a slot frees 5 minutes after a session ends). Re-use one session (one site) instead of one per job.',
    reconnect: false,
  },
  OnLicenseAccessDenied: {
    code: 'ERR_LICENSE_DENIED',
    message:
      'the proxy denied licence access for this user: allocate a licence (professional/analyzer access) to the user',
    reconnect: false,
  },
  OnSessionLoggedOut: {
    code: 'ERR_SESSION_LOGGED_OUT',
    message: 'the proxy session was logged out elsewhere (DELETE /qps/user)',
    reconnect: false,
  },
  OnSessionTimedOut: {
    code: 'ERR_SESSION_ENDED',
    message: 'the proxy session timed out: a new session is started',
    reconnect: true,
  },
  OnSessionClosed: { code: 'ERR_SESSION_ENDED', message: 'the proxy closed the session', reconnect: true },
  OnNoEngineAvailable: { code: 'ERR_SOCKET_CLOSED', message: 'the proxy has no engine available', reconnect: true },
  OnEngineWebsocketFailed: {
    code: 'ERR_SOCKET_CLOSED',
    message: 'the proxy lost its engine connection',
    reconnect: true,
  },
};

/** Qlik Cloud close codes; only engine-side ones are worth an automatic reconnect. */
const CLOSE_CODES: Readonly<Record<number, EndReason>> = {
  4001: { code: 'ERR_SESSION_ENDED', message: 'the session ended after inactivity (4001)', reconnect: false },
  4002: { code: 'ERR_LICENSE_DENIED', message: 'no licence for this user (4002)', reconnect: false },
  4003: { code: 'ERR_SOCKET_CLOSED', message: 'the engine is terminating (4003)', reconnect: true },
  4004: { code: 'ERR_SOCKET_CLOSED', message: 'the app was deleted (4004)', reconnect: true },
  4005: { code: 'ERR_SESSION_LIMIT_EXCEEDED', message: 'too many sessions (4005)', reconnect: false },
  4006: { code: 'ERR_HANDSHAKE_REJECTED', message: 'authentication failed (4006)', reconnect: false },
  4007: { code: 'ERR_SOCKET_CLOSED', message: 'the app mode changed (4007)', reconnect: true },
};

/**
 * The end a notification announces, or undefined when it is informational. A notice or warning
 * severity never ends anything; a missing severity is taken as fatal (older proxies omit it).
 */
export function notificationEnd(method: string, params: unknown): EndReason | undefined {
  const reason = PROXY_NOTIFICATIONS[method];
  if (!reason) return undefined;
  const severity = (params as { severity?: string } | undefined)?.severity;
  return severity === undefined || severity === 'fatal' ? reason : undefined;
}

/** What a websocket close code means, when it is one of Qlik Cloud's. */
export function closeCodeEnd(code: number): EndReason | undefined {
  return CLOSE_CODES[code];
}

/** Notifications after which the proxy session itself is gone, so a resume needs a new handshake. */
export function endsProxySession(method: string): boolean {
  return method === 'OnSessionTimedOut' || method === 'OnSessionClosed';
}
