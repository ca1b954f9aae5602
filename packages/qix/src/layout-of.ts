import type {
  DefinitionCounterparts,
  GenericObjectLayout,
  GenericObjectProperties,
  NxMeta,
} from './generated/structs.js';
import type { QixDouble } from './qix-double.js';

/** Properties the layout shows in its own members (`qMetaDef` as `qMeta`), listed by `GenericObjectLayout`. */
type OwnKey = 'qInfo' | 'qMetaDef' | 'qExtendsId' | 'qStateName';

type CounterpartKey = DefinitionCounterparts[keyof DefinitionCounterparts]['key'];

/** `GenericObjectLayout` without its computed members and its index signature: what every layout has. */
type LayoutBase = {
  [K in keyof GenericObjectLayout as string extends K
    ? never
    : K extends CounterpartKey
      ? never
      : K]: GenericObjectLayout[K];
};

// The client keeps in `qLayoutExclude` what must not reach layouts: the engine leaves it out.
type LayoutKey<K> = K extends 'qLayoutExclude'
  ? never
  : K extends keyof DefinitionCounterparts
    ? DefinitionCounterparts[K]['key']
    : K;

/** The counterpart `C` plus the non-engine keys of definition `D`, which the engine copies into it. */
type WithCustomMembers<C, D> = [Exclude<keyof D, `q${string}`>] extends [never]
  ? C
  : C & { [K in keyof D as K extends `q${string}` ? never : K]: LayoutValue<D[K]> };

type MemberLayout<K, V> = K extends keyof DefinitionCounterparts
  ? WithCustomMembers<DefinitionCounterparts[K]['value'], NonNullable<V>>
  : K extends 'qStringExpression'
    ? string
    : K extends 'qValueExpression'
      ? QixDouble
      : LayoutValue<V>;

type LayoutMembers<P> = { [K in keyof P as LayoutKey<K>]: MemberLayout<K, P[K]> };

// An object holding an expression becomes the expression's value (`title: {qStringExpression: '=…'}` → string).
type LayoutValue<V> = V extends readonly (infer E)[]
  ? LayoutValue<E>[]
  : V extends { qStringExpression: unknown }
    ? string
    : V extends { qValueExpression: unknown }
      ? QixDouble
      : V extends object
        ? LayoutMembers<V>
        : V;

// The engine's meta (privileges, …) merged with what the properties define in `qMetaDef` (title, tags, …).
type MetaOf<P> = P extends { qMetaDef: infer M } ? { qMeta?: NxMeta & LayoutValue<M> } : unknown;

/**
 * The layout the engine computes from generic object properties `P` (DESIGN §3 "Layouts"): every `q…Def` replaced
 * by its computed counterpart at any depth (`qHyperCubeDef` → `qHyperCube: HyperCube`, `qListObjectDef` →
 * `qListObject`, …), an object holding `qStringExpression` / `qValueExpression` replaced by the string / number,
 * `qLayoutExclude` left out, other keys copied; plus what every layout has (`qInfo`, `qMeta` with what `qMetaDef`
 * defines, `qSelectionInfo`, …).
 *
 * @typeParam P - The properties, as the caller wrote them.
 * @example
 * ```ts
 * const props = {
 *   qInfo: { qType: 'kpi' },
 *   qHyperCubeDef: { qMeasures: [{ qDef: { qDef: 'Sum(Sales)' } }] },
 *   title: { qStringExpression: { qExpr: "='Sales ' & Year(Today())" } },
 * } satisfies GenericObjectProperties;
 * type KpiLayout = LayoutOf<typeof props>; // { qHyperCube: HyperCube; title: string; qInfo: NxInfo; … }
 * ```
 */
export type LayoutOf<P extends GenericObjectProperties> = LayoutBase &
  MetaOf<P> &
  LayoutMembers<{ [K in keyof P as K extends OwnKey ? never : K]: P[K] }>;
