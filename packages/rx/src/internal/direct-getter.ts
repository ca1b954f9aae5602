import type { QixApi, QixPromise, QixSession } from '../types/qix-api.js';

/** The out-parameter of each parameterless getter rx keeps live, by enigma.js method name. */
const OUT_KEYS: Readonly<Record<string, string>> = {
  getLayout: 'qLayout',
  getAppLayout: 'qLayout',
  getProperties: 'qProp',
};

/** Sessions whose owner asked rx to call enigma.js's generated methods ({@link useEnigmaMethods}). */
const throughMethods = new WeakSet<object>();

/**
 * Makes rx fetch the live layouts and properties of this enigma.js session through the API
 * objects' own methods (`obj.getLayout()`: the session's delta protocol and mixins included)
 * instead of its direct requests. See the "Transfer" policy in the README: use it when other code
 * on the same session fetches the same handles with `delta: true` and you cannot rule out that
 * the engine diffs against answers sent without delta (Qlik does not document it).
 *
 * @example
 * ```ts
 * useEnigmaMethods(doc.session);
 * objectLayout(doc, 'aZPmCQ').subscribe(render); // GetLayout with delta, through enigma.js's getLayout()
 * ```
 */
export function useEnigmaMethods(session: QixSession): void {
  if (typeof session !== 'object' || session === null) {
    throw new TypeError('useEnigmaMethods: session must be an enigma.js session (api.session)');
  }
  throughMethods.add(session);
}

interface EnigmaRequest {
  handle: number;
  method: string;
  params: unknown[];
  delta: false;
  outKey: -1;
}

/** The part of an enigma.js session the direct path uses (`Session#send`, its `config.mixins`). */
interface SendingSession {
  send(request: EnigmaRequest): QixPromise<Record<string, unknown>>;
  config: { mixins?: readonly { override?: Readonly<Record<string, unknown>> }[] };
}

function sendingSession(session: QixSession | undefined): SendingSession | undefined {
  const candidate = session as Partial<SendingSession> | undefined;
  return typeof candidate?.send === 'function' && typeof candidate.config === 'object' && candidate.config !== null
    ? (candidate as SendingSession)
    : undefined;
}

/**
 * rx's own fetch of a parameterless getter (`getLayout`, `getAppLayout`, `getProperties`): the
 * request enigma.js's generated method would send, through the same `session.send` (request and
 * response interceptors, the request id cancellation needs), but with `delta: false`. rx shares
 * structure with the previous value itself, so enigma.js's delta cache — a patch per answer, then
 * a `JSON.parse(JSON.stringify())` copy of the whole result — is work thrown away; without it the
 * answer is what `JSON.parse` made of the frame, which nobody else holds, and rx freezes it in place.
 *
 * `undefined` — call the method instead — when the session is not an enigma.js session, a mixin
 * overrides the method, or {@link useEnigmaMethods} was called for the session.
 */
export function directGetter<T>(api: QixApi, method: string, engineMethod: string): (() => QixPromise<T>) | undefined {
  const outKey = OUT_KEYS[method];
  const session = sendingSession(api.session);
  if (outKey === undefined || !session || throughMethods.has(session)) return undefined;
  if (session.config.mixins?.some((mixin) => typeof mixin?.override?.[method] === 'function')) return undefined;
  return () => {
    const sent = session.send({ handle: api.handle, method: engineMethod, params: [], delta: false, outKey: -1 });
    // enigma.js's promises pass `requestId` on to the promises chained from them.
    return sent.then((result) => result[outKey] as T) as QixPromise<T>;
  };
}
