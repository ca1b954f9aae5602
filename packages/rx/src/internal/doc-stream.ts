import type { QixApi } from '../types/qix-api.js';
import { handleSource } from './handle-stream.js';
import { sharedSource } from './share-by-key.js';
import type { Source } from './source.js';

/**
 * The Doc as a handle source: emits the Doc API object; fails with `ERR_SESSION_CLOSED` when its
 * session closes, `ERR_HANDLE_CLOSED` when enigma.js gives the Doc up (e.g. not re-opened on resume).
 */
export function docSource<A extends QixApi>(doc: A): Source<A> {
  return sharedSource(doc, 'handle:doc', '', () =>
    handleSource<A>(doc, {
      objectId: doc.id === '' ? 'Doc' : doc.id,
      method: 'OpenDoc',
      acquire: (d) => Promise.resolve(d as A),
      reacquire: false,
    }),
  );
}
