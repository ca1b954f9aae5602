// Its own file so that the expansion internals and the parsers take variables without importing
// expand().

/** Variable values by name (names are case-sensitive, as in Qlik). */
export type VariableEnvironment = Readonly<Record<string, string | undefined>> | ReadonlyMap<string, string>;
