import { randomUUID } from 'node:crypto';
import { CallbackDelivery, type CallbackDeliveryOptions } from '../http/callback-delivery.js';
import type { Site } from '../site/site.js';
import type { RepositoryChange, RepositoryChangeType, RepositoryEntityType } from '../site/site-changes.js';
import { type QrsEntityType, qrsEntities } from './qrs-entities.js';
import { queryEntities } from './qrs-query.js';

/** A change subscription (`POST /qrs/notification?…` with a callback URL as body). */
export interface QrsSubscription {
  readonly handle: string;
  readonly url: string;
  readonly name: RepositoryEntityType | undefined;
  readonly id: string | undefined;
  readonly changeTypes: ReadonlySet<RepositoryChangeType> | undefined;
  /** `propertyName`: only changes of it; with a leading `!`, only changes of any other property. */
  readonly propertyName: string | undefined;
  readonly filter: string | undefined;
  readonly condition: string | undefined;
}

/** How callbacks are retried (default after 1 s, 2 s, 4 s, 8 s, 16 s) and timed out (default 10 s). */
export type QrsCallbackOptions = CallbackDeliveryOptions;

const CHANGE_TYPE_NUMBER: Record<RepositoryChangeType, number> = { Add: 1, Update: 2, Delete: 3 };
const TYPES: Record<string, { name: RepositoryEntityType; qrs: QrsEntityType }> = {
  app: { name: 'App', qrs: 'app' },
  reloadtask: { name: 'ReloadTask', qrs: 'reloadtask' },
  executionresult: { name: 'ExecutionResult', qrs: 'executionresult' },
  stream: { name: 'Stream', qrs: 'stream' },
};

/** Thrown for a subscription QRS would refuse (400). */
export class QrsSubscriptionError extends Error {
  override readonly name = 'QrsSubscriptionError';
}

/**
 * QRS change subscriptions: each matching repository change is POSTed to the subscriber's URL as
 * a JSON array of one change — `{objectType, objectID, changeType (1 Add, 2 Update, 3 Delete),
 * changedProperties, engineID, engineType, originatorNodeID, originatorHostName,
 * originatorContextType, createdDate, modifiedDate, modifiedByUserName}` (the shape receivers of
 * QRS callbacks parse; not checked against a recording). A callback that fails (network error,
 * timeout, a status outside 2xx) is retried after each of `retryDelaysMs`, then dropped; callbacks of
 * one subscription are delivered in order, one at a time.
 */
export class QrsNotifications {
  readonly #site: Site;
  readonly #subscriptions = new Map<string, QrsSubscription>();
  readonly #delivery: CallbackDelivery;
  readonly #stopListening: () => void;
  readonly #nodeId = randomUUID();

  constructor(site: Site, options: QrsCallbackOptions = {}) {
    this.#site = site;
    this.#delivery = new CallbackDelivery((handle) => this.#subscriptions.has(handle), options);
    this.#stopListening = site.changes.listen((change) => this.#dispatch(change));
  }

  /** Adds a subscription from the query of `POST /qrs/notification` and its body; returns it. */
  subscribe(query: URLSearchParams, url: string): QrsSubscription {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new QrsSubscriptionError(`the body must be the callback URL as a JSON string, got ${JSON.stringify(url)}`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new QrsSubscriptionError(`the callback URL must be http(s), got ${target.protocol}`);
    const typeName = query.get('name') ?? undefined;
    const type = typeName === undefined ? undefined : TYPES[typeName.toLowerCase()];
    if (typeName !== undefined && !type) throw new QrsSubscriptionError(`unknown type name '${typeName}'`);
    const subscription: QrsSubscription = {
      handle: randomUUID(),
      url: target.href,
      name: type?.name,
      id: query.get('id')?.toLowerCase() ?? undefined,
      changeTypes: changeTypes(query.get('changetype') ?? query.get('changeType')),
      propertyName: query.get('propertyName') ?? query.get('propertyname') ?? undefined,
      filter: query.get('filter') ?? undefined,
      condition: query.get('condition') ?? undefined,
    };
    this.#subscriptions.set(subscription.handle, subscription);
    return subscription;
  }

  /** Removes a subscription; false when there is none with that handle. */
  unsubscribe(handle: string): boolean {
    return this.#subscriptions.delete(handle.toLowerCase());
  }

  /** Callbacks answered 2xx. */
  get delivered(): number {
    return this.#delivery.delivered;
  }

  /** Callbacks given up on after their retries. */
  get failed(): number {
    return this.#delivery.failed;
  }

  /** Live subscriptions. */
  list(): QrsSubscription[] {
    return [...this.#subscriptions.values()];
  }

  /** Stops listening to the repository and forgets every subscription. */
  close(): void {
    this.#stopListening();
    this.#subscriptions.clear();
  }

  #dispatch(change: RepositoryChange): void {
    for (const subscription of this.#subscriptions.values()) {
      if (!this.#matches(subscription, change)) continue;
      this.#delivery.send(subscription.handle, subscription.url, JSON.stringify([this.#payload(change)]));
    }
  }

  #matches(s: QrsSubscription, change: RepositoryChange): boolean {
    if (s.name !== undefined && s.name !== change.objectType) return false;
    if (s.id !== undefined && s.id !== change.objectId.toLowerCase()) return false;
    if (s.changeTypes !== undefined && !s.changeTypes.has(change.changeType)) return false;
    if (s.propertyName !== undefined && change.changeType === 'Update') {
      const changed = change.changedProperties.map((p) => p.toLowerCase());
      const negated = s.propertyName.startsWith('!');
      const name = (negated ? s.propertyName.slice(1) : s.propertyName).toLowerCase();
      if (negated ? changed.every((p) => p === name) : !changed.includes(name)) return false;
    }
    // As QRS documents it, filters do not apply to deletions.
    if (change.changeType === 'Delete') return true;
    return this.#passes(s.filter, change) && this.#passes(s.condition, change);
  }

  /** Whether the changed entity, as QRS shows it now, passes a QRS filter. */
  #passes(filter: string | undefined, change: RepositoryChange): boolean {
    if (filter === undefined || filter === '') return true;
    const type = TYPES[change.objectType.toLowerCase()];
    if (!type) return false;
    const entity = qrsEntities(this.#site, type.qrs, 'full').find(
      (e) => String(e.id).toLowerCase() === change.objectId.toLowerCase(),
    );
    if (!entity) return false;
    try {
      return queryEntities([entity], filter, null).length > 0;
    } catch {
      return false;
    }
  }

  #payload(change: RepositoryChange): Record<string, unknown> {
    return {
      objectType: change.objectType,
      objectID: change.objectId,
      changeType: CHANGE_TYPE_NUMBER[change.changeType],
      changedProperties: [...change.changedProperties],
      engineID: this.#nodeId,
      engineType: 'Repository',
      originatorNodeID: this.#nodeId,
      originatorHostName: 'sim-central',
      originatorContextType: 0,
      createdDate: change.at,
      modifiedDate: change.at,
      modifiedByUserName: 'INTERNAL\\sa_repository',
    };
  }
}

function changeTypes(value: string | null): ReadonlySet<RepositoryChangeType> | undefined {
  if (value === null || value === '') return undefined;
  const out = new Set<RepositoryChangeType>();
  for (const part of value.split(',')) {
    const p = part.trim().toLowerCase();
    if (p === 'add' || p === '1') out.add('Add');
    else if (p === 'update' || p === '2') out.add('Update');
    else if (p === 'delete' || p === '3') out.add('Delete');
    else if (p === 'undefined' || p === '0') return undefined;
    else throw new QrsSubscriptionError(`unknown changetype '${part}' (Add, Update or Delete)`);
  }
  return out;
}
