/** Proxy (QPS) push notifications sent to websocket clients. */
export type ProxyNotificationMethod =
  | 'OnMaxParallelSessionsExceeded'
  | 'OnLicenseAccessDenied'
  | 'OnSessionTimedOut'
  | 'OnSessionLoggedOut'
  | 'OnSessionClosed'
  | 'OnNoEngineAvailable'
  | 'OnEngineWebsocketFailed';

const messages: Record<ProxyNotificationMethod, string> = {
  OnMaxParallelSessionsExceeded: 'Maximum number of parallel sessions exceeded',
  OnLicenseAccessDenied: 'License access denied',
  OnSessionTimedOut: 'Session timed out due to inactivity',
  OnSessionLoggedOut: 'User logged out manually',
  OnSessionClosed: 'Session closed by server',
  OnNoEngineAvailable: 'No engine available',
  OnEngineWebsocketFailed: 'Connection to Qlik service failed, shutting down',
};

/** The frame of a fatal proxy notification: `{jsonrpc, method, params: {severity, timestamp, message}}`. */
export function proxyNotification(method: ProxyNotificationMethod, now: number): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    method,
    params: { severity: 'fatal', timestamp: new Date(now).toISOString(), message: messages[method] },
  });
}
