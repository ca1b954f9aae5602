import type { QixApi, QixSession } from '../types/qix-api.js';

/** A session, or an API object's session (`api.session`). */
export function sessionOf(value: QixSession | QixApi, fn: string): QixSession {
  const candidate = value as Partial<QixApi> | null | undefined;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.on !== 'function') {
    throw new TypeError(`${fn}: pass an enigma.js session or an API object with a session, got ${typeof value}`);
  }
  if (typeof candidate.handle === 'number' && typeof candidate.type === 'string') {
    const session = candidate.session;
    if (!session || typeof session.on !== 'function') {
      throw new TypeError(`${fn}: this API object exposes no session (api.session); pass the session itself`);
    }
    return session;
  }
  return value as QixSession;
}
