import type { WebSocket } from 'ws';

/** Who is connecting and to what, as the proxy hands a websocket over to the engine. */
export interface EngineConnectionContext {
  /** Virtual proxy prefix, 'cloud' for the tenant, or 'direct' for the engine-only listener. */
  proxy: string;
  user: { userDirectory: string; userId: string; attributes: Record<string, string[]> };
  /** App id from the URL; undefined for `/app/engineData` or `/app/`. */
  appId: string | undefined;
  /** `/identity/<x>` segment, isolating an engine session. */
  identity: string | undefined;
  /** `/ttl/<s>` segment: seconds the engine session outlives its socket. */
  ttlSeconds: number | undefined;
  /** The request path after the proxy prefix. */
  path: string;
}

/** What the proxy needs from the engine behind it. */
export interface Engine {
  /** Takes over an open websocket. */
  accept(socket: WebSocket, context: EngineConnectionContext): void;
  /** Stops every engine session. */
  close(): Promise<void>;
}

/** Parses `app/{appId}[/identity/{id}][/ttl/{s}]` (segments after the prefix). */
export function parseAppPath(
  segments: readonly string[],
): Pick<EngineConnectionContext, 'appId' | 'identity' | 'ttlSeconds'> | undefined {
  if (segments[0] !== 'app') return undefined;
  const rest = segments.slice(1);
  let appId: string | undefined;
  let i = 0;
  if (rest.length > 0 && rest[0] !== 'identity' && rest[0] !== 'ttl') {
    appId = rest[0] === '' || rest[0] === 'engineData' ? undefined : rest[0];
    i = 1;
  }
  let identity: string | undefined;
  let ttlSeconds: number | undefined;
  while (i < rest.length) {
    const key = rest[i];
    const value = rest[i + 1];
    if (key === '' && i === rest.length - 1) break; // trailing slash
    if (value === undefined) return undefined;
    if (key === 'identity' && identity === undefined) identity = value;
    else if (key === 'ttl' && ttlSeconds === undefined && /^\d{1,6}$/.test(value)) ttlSeconds = Number(value);
    else return undefined;
    i += 2;
  }
  return { appId, identity, ttlSeconds };
}
