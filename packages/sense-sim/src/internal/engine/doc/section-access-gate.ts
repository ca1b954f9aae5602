import type { LoadedModel } from '../../data/model/loaded-model.js';
import { modelForUser } from '../../data/model/reduce-model.js';
import type { AccessUser } from '../../data/model/section-access-grant.js';
import type { AppDoc } from '../app/app-doc.js';
import { EngineError } from '../rpc/engine-error.js';
import type { EngineUser } from '../session/engine-session.js';

/**
 * The engine session's user as section access matches it: the directory and id the proxy (or the
 * direct listener's `X-Qlik-User` header) established, and the groups of its `group` / `groups`
 * session attribute (the virtual proxy maps a JWT claim to it; Qlik Cloud sends `groups`).
 */
function accessUser(user: EngineUser): AccessUser {
  const groups: string[] = [];
  for (const [name, values] of Object.entries(user.attributes)) {
    if (/^groups?$/i.test(name)) groups.push(...values);
  }
  return { userDirectory: user.userDirectory, userId: user.userId, groups };
}

/**
 * OpenDoc's check: an app whose last reload loaded section access opens only for the users it
 * admits; the others get the engine's `LOCERR_GENERIC_ACCESS_DENIED` (code 5, "Access denied").
 */
export function assertAppAccess(app: AppDoc, user: EngineUser): void {
  const loaded = app.data;
  if (!loaded?.sectionAccess) return;
  if ('denied' in modelForUser(loaded, accessUser(user))) throw EngineError.of('LOCERR_GENERIC_ACCESS_DENIED');
}

/** An app's data as this user sees it: reduced by section access; no tables when it denies them (after a reload). */
export function userData(loaded: LoadedModel | undefined, user: EngineUser): LoadedModel | undefined {
  if (!loaded?.sectionAccess) return loaded;
  const view = modelForUser(loaded, accessUser(user));
  return 'model' in view ? view.model : deniedModel(loaded);
}

const denied = new WeakMap<LoadedModel, LoadedModel>();

/** The empty model a denied user's open session sees (one per reload, so its data engine is kept). */
function deniedModel(loaded: LoadedModel): LoadedModel {
  let empty = denied.get(loaded);
  if (!empty) {
    empty = { ...loaded, tables: [], derivedFields: [] };
    denied.set(loaded, empty);
  }
  return empty;
}
