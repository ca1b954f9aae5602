import { Observable, type Subscription } from 'rxjs';
import { isRxQixError } from '../errors.js';
import { assertApi, assertName } from '../internal/call.js';
import { immutable } from '../operators/immutable.js';
import type { GenericObjectProperties, LayoutFor } from '../types/layouts.js';
import type { QixApi } from '../types/qix-api.js';
import { objectLayout } from './object-layout.js';
import { objectList } from './object-list.js';

interface Entry<L> {
  subscription: Subscription | undefined;
  layout: L | undefined;
}

/**
 * The layouts of every object of one type (e.g. all sheets), in list order: {@link objectList}
 * plus one {@link objectLayout} per item. Emits once every item has a layout, then whenever the
 * list or any layout changes. Objects that stay in the list keep their subscription (no refetch
 * when another object is added); an object destroyed meanwhile is dropped, not an error.
 *
 * @example
 * ```ts
 * objectLayouts(doc, 'sheet').subscribe((sheets) => render(sheets.map((s) => s.qMeta?.title)));
 * ```
 */
export function objectLayouts<P extends GenericObjectProperties = GenericObjectProperties>(
  doc: QixApi,
  type: string,
): Observable<readonly LayoutFor<P>[]> {
  assertApi(doc, 'doc', 'objectLayouts');
  assertName(type, 'type', 'objectLayouts');
  type L = LayoutFor<P>;
  return new Observable<readonly L[]>((subscriber) => {
    const entries = new Map<string, Entry<L>>();
    let order: readonly string[] | undefined;
    const emit = (): void => {
      if (!order) return;
      const layouts: L[] = [];
      for (const id of order) {
        const layout = entries.get(id)?.layout;
        if (layout === undefined) return;
        layouts.push(layout);
      }
      subscriber.next(layouts);
    };
    const drop = (id: string): void => {
      entries.get(id)?.subscription?.unsubscribe();
      entries.delete(id);
      if (order?.includes(id)) order = order.filter((other) => other !== id);
    };
    const list = objectList(doc, type, {}).subscribe({
      next: (items) => {
        const ids = items.flatMap((item) => (item.qInfo.qId === undefined ? [] : [item.qInfo.qId]));
        for (const id of [...entries.keys()]) if (!ids.includes(id)) drop(id);
        order = ids;
        for (const id of ids) {
          if (entries.has(id)) continue;
          const entry: Entry<L> = { subscription: undefined, layout: undefined };
          entries.set(id, entry);
          const subscription = objectLayout<P>(doc, id).subscribe({
            next: (layout) => {
              entry.layout = layout;
              emit();
            },
            error: (error: unknown) => {
              if (isRxQixError(error, 'ERR_OBJECT_NOT_FOUND')) {
                drop(id);
                emit();
              } else subscriber.error(error);
            },
          });
          if (entries.get(id) === entry) entry.subscription = subscription;
        }
        emit();
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      list.unsubscribe();
      for (const entry of entries.values()) entry.subscription?.unsubscribe();
      entries.clear();
    };
  }).pipe(immutable());
}
