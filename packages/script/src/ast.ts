/**
 * The abstract syntax tree of Qlik load scripts and Qlik expressions.
 *
 * Every node is a plain, JSON-serialisable object with a `kind` string literal (the discriminant)
 * and a `span` (where it came from in the source). Names of tables, fields, variables and paths are
 * stored decoded (without their `[…]`, `"…"`, `` `…` `` or `'…'` quotes); a name that still holds an
 * unexpanded dollar expansion keeps it verbatim, e.g. `Sales_$(vYear)`.
 *
 * @packageDocumentation
 */

/** A point in the source text. `line` and `column` are 1-based (columns count UTF-16 code units); `offset` is 0-based. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A source range: `start` is inclusive, `end` exclusive. Tokens produced by a dollar expansion carry the span of the `$(…)` they came from. */
export interface Span {
  readonly start: Position;
  readonly end: Position;
}

/** Fields shared by every node. */
export interface BaseNode {
  readonly span: Span;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────────
// Expressions
// ─────────────────────────────────────────────────────────────────────────────────────────────────

/** Any Qlik expression (chart or script). */
export type Expression =
  | NumberLiteral
  | StringLiteral
  | FieldRef
  | DollarExpansion
  | UnaryExpression
  | BinaryExpression
  | FunctionCall
  | InvalidExpression;

/** `42`, `0.5`, `1e3`. `raw` is the text as written (printed back verbatim). */
export interface NumberLiteral extends BaseNode {
  readonly kind: 'NumberLiteral';
  readonly value: number;
  readonly raw: string;
}

/** `'text'` (with `''` for a quote inside). `value` is decoded. */
export interface StringLiteral extends BaseNode {
  readonly kind: 'StringLiteral';
  readonly value: string;
}

/**
 * A field (or, in chart expressions, possibly a variable) referenced by name: `Sales`, `[Order Date]`,
 * `"Order Date"`, `` `Order Date` ``. Qualified names such as `Departments.DepartmentName` are kept whole,
 * because QUALIFY creates fields literally named that way.
 */
export interface FieldRef extends BaseNode {
  readonly kind: 'FieldRef';
  readonly name: string;
}

/** How a dollar expansion is written: `$(v)`, `$(v(a, b))`, `$(=expr)`, `$(Include=path)` / `$(Must_Include=path)`. */
export type DollarExpansionForm = 'variable' | 'call' | 'expression' | 'include';

/**
 * A dollar-sign expansion `$(…)` left unexpanded (no variable environment, or an unknown variable).
 * `text` is everything between `$(` and `)`; the other fields are derived from it.
 */
export interface DollarExpansion extends BaseNode {
  readonly kind: 'DollarExpansion';
  readonly text: string;
  readonly form: DollarExpansionForm;
  /** The variable name for `variable` and `call` forms; `Include`/`Must_Include` for `include`; otherwise null. */
  readonly name: string | null;
  /** Raw argument texts of the `call` form; the path for `include`; the expression text for `expression`. */
  readonly args: readonly string[];
}

/** Prefix operators. */
export type UnaryOperator = '-' | '+' | 'not' | 'bitnot';

/** A prefix operation: `-x`, `not x`, `bitnot x`. */
export interface UnaryExpression extends BaseNode {
  readonly kind: 'UnaryExpression';
  readonly operator: UnaryOperator;
  readonly operand: Expression;
}

/** Infix operators (word operators in lower case). */
export type BinaryOperator =
  | 'or'
  | 'xor'
  | 'and'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'like'
  | 'precedes'
  | 'follows'
  | '&'
  | '+'
  | '-'
  | '*'
  | '/'
  | 'bitand'
  | 'bitor'
  | 'bitxor'
  | '>>'
  | '<<';

/** An infix operation `left operator right`. */
export interface BinaryExpression extends BaseNode {
  readonly kind: 'BinaryExpression';
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

/**
 * A function call, including aggregations with their qualifiers:
 * `Sum({<Year={2024}>} DISTINCT TOTAL <Region> Sales)`.
 */
export interface FunctionCall extends BaseNode {
  readonly kind: 'FunctionCall';
  /** As written (Qlik function names are case-insensitive). */
  readonly name: string;
  /** The set expression written before the first argument, if any. */
  readonly set: SetExpression | null;
  /** `DISTINCT` or `NODISTINCT` before the first argument. */
  readonly distinct: 'distinct' | 'nodistinct' | null;
  /** The (legacy) `ALL` qualifier. */
  readonly all: boolean;
  /** The `TOTAL [<fields>]` qualifier. */
  readonly total: TotalQualifier | null;
  readonly args: readonly Expression[];
  /**
   * Aggr only: the sort written with a dimension, by argument index —
   * `Aggr(Sum(Sales), (Month, (NUMERIC, DESCENDING)))` has `[undefined, {…}]`. Absent when none is written.
   */
  readonly argSorts?: readonly (AggrSort | undefined)[];
}

/** The sort of an Aggr dimension: `(Month, (NUMERIC, DESCENDING))` (the ordering defaults to ASCENDING). */
export interface AggrSort {
  readonly sortType: 'NUMERIC' | 'TEXT' | 'FREQUENCY' | 'LOAD_ORDER';
  readonly ordering: 'ASCENDING' | 'DESCENDING' | 'REVERSE' | 'A2Z' | 'Z2A' | 'ORIGINAL';
}

/** `TOTAL` or `TOTAL <Field1, Field2>`; `fields` is empty for a plain `TOTAL`. */
export interface TotalQualifier extends BaseNode {
  readonly kind: 'TotalQualifier';
  readonly fields: readonly string[];
}

/** Text that could not be parsed as an expression (a diagnostic says why). */
export interface InvalidExpression extends BaseNode {
  readonly kind: 'InvalidExpression';
  readonly text: string;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────────
// Set analysis
// ─────────────────────────────────────────────────────────────────────────────────────────────────

/** A set expression in braces: `{1}`, `{$<Year={2024}>}`, `{<Region-={'EU'}>}`, `{$ + BM01}`. */
export interface SetExpression extends BaseNode {
  readonly kind: 'SetExpression';
  readonly operand: SetOperand;
}

/** What a set expression combines. */
export type SetOperand = SetEntity | SetOperation;

/** Set operators: union, exclusion, intersection, symmetric difference. */
export type SetOperator = '+' | '-' | '*' | '/';

/**
 * One set: an identifier (`$`, `1`, `$1`, `$_1`, a bookmark id or an alternate state name) and/or a
 * modifier `<…>`. `{<…>}` has identifier null (meaning the current selection `$`).
 */
export interface SetEntity extends BaseNode {
  readonly kind: 'SetEntity';
  readonly identifier: string | null;
  readonly modifier: SetModifier | null;
}

/** `left operator right` between sets. */
export interface SetOperation extends BaseNode {
  readonly kind: 'SetOperation';
  readonly operator: SetOperator;
  readonly left: SetOperand;
  readonly right: SetOperand;
}

/** The `<…>` part of a set: a list of field modifiers (or dollar expansions that produce some). */
export interface SetModifier extends BaseNode {
  readonly kind: 'SetModifier';
  readonly items: readonly SetModifierItem[];
}

/** One entry of a set modifier. */
export type SetModifierItem = SetFieldModifier | DollarExpansion;

/** Assignment operators in a set modifier (`Field = …`, `Field += …`, `Field -= …`, …). */
export type SetAssignmentOperator = '=' | '+=' | '-=' | '*=' | '/=';

/** `Field = {…}`, `Field -= {…}`, `Field = P(Other)`; `value` null for `Field=` (clear the selection). */
export interface SetFieldModifier extends BaseNode {
  readonly kind: 'SetFieldModifier';
  readonly field: string;
  readonly operator: SetAssignmentOperator;
  readonly value: ElementSet | null;
}

/** The right-hand side of a field modifier. A `FieldRef` means "the values selected in that field". */
export type ElementSet = ElementList | ElementSetOperation | ElementFunction | FieldRef | DollarExpansion;

/** `{'a', 'b', 2024, "search*", $(v)}`. */
export interface ElementList extends BaseNode {
  readonly kind: 'ElementList';
  readonly elements: readonly SetElement[];
}

/**
 * How an element was written: `'literal'`, `"search"` (also `[search]`: wildcards, `>10`, `=expr`),
 * a number, an unquoted word or `*`, or a dollar expansion (raw text in `value`).
 */
export type SetElementType = 'literal' | 'search' | 'number' | 'bare' | 'expansion';

/** One element of an element list. */
export interface SetElement extends BaseNode {
  readonly kind: 'SetElement';
  readonly type: SetElementType;
  readonly value: string;
}

/** `left operator right` between element sets. */
export interface ElementSetOperation extends BaseNode {
  readonly kind: 'ElementSetOperation';
  readonly operator: SetOperator;
  readonly left: ElementSet;
  readonly right: ElementSet;
}

/** `P([set] Field)` (possible values) or `E([set] Field)` (excluded values). */
export interface ElementFunction extends BaseNode {
  readonly kind: 'ElementFunction';
  readonly name: 'P' | 'E';
  readonly set: SetExpression | null;
  readonly field: string | null;
}

// ─────────────────────────────────────────────────────────────────────────────────────────────────
// Script
// ─────────────────────────────────────────────────────────────────────────────────────────────────

/** A whole load script. */
export interface Script extends BaseNode {
  readonly kind: 'Script';
  readonly body: readonly Statement[];
}

/** Every statement kind. Control statements hold nested `body` lists. */
export type Statement =
  | Tab
  | Comment
  | SetStatement
  | LetStatement
  | LoadStatement
  | ConnectStatement
  | DisconnectStatement
  | StoreStatement
  | DropStatement
  | RenameStatement
  | AliasStatement
  | QualifyStatement
  | UnqualifyStatement
  | CommentStatement
  | TagStatement
  | DeclareStatement
  | DeriveStatement
  | BinaryStatement
  | SubStatement
  | CallStatement
  | IfStatement
  | ForStatement
  | ForEachStatement
  | DoLoopStatement
  | SwitchStatement
  | ExitStatement
  | TraceStatement
  | SleepStatement
  | SectionStatement
  | DirectoryStatement
  | IncludeStatement
  | ExpansionStatement
  | RawStatement;

/** A `///$tab Name` marker (the data load editor's tab separator). Tabs do not nest statements: a block may span tabs. */
export interface Tab extends BaseNode {
  readonly kind: 'Tab';
  readonly name: string;
}

/**
 * A comment between statements: `// text`, `/* text *\/` or `REM text;`. `text` excludes the delimiters.
 * Comments inside a statement are not kept in the AST.
 */
export interface Comment extends BaseNode {
  readonly kind: 'Comment';
  readonly style: 'line' | 'block' | 'rem';
  readonly text: string;
}

/**
 * `SET name = text;`. `raw` is the right-hand side as written (trimmed); `value` is what the variable
 * holds: `raw` without its quotes when it is one quoted string (`'…'`, `"…"`, `[…]`), else `raw`.
 */
export interface SetStatement extends BaseNode {
  readonly kind: 'Set';
  readonly name: string;
  readonly raw: string;
  readonly value: string;
}

/** `LET name = expression;` (also the keyword-less `name = expression`). `expression` null for `LET x = ;`. */
export interface LetStatement extends BaseNode {
  readonly kind: 'Let';
  readonly name: string;
  readonly expression: Expression | null;
}

/**
 * A table-producing statement: `[Label:] [prefixes…] LOAD … | SQL SELECT …`.
 * A chain of preceding loads is one statement: `query` is the top LOAD and each
 * `PrecedingSource` holds the next query down, the last of which reads the actual source.
 */
export interface LoadStatement extends BaseNode {
  readonly kind: 'LoadStatement';
  readonly label: string | null;
  readonly prefixes: readonly LoadPrefix[];
  readonly query: LoadQuery | SqlQuery;
}

/** Statement prefixes in front of LOAD / SELECT. */
export type LoadPrefix =
  | ConcatenatePrefix
  | NoConcatenatePrefix
  | JoinPrefix
  | KeepPrefix
  | MappingPrefix
  | CrossTablePrefix
  | GenericPrefix
  | FirstPrefix
  | SamplePrefix
  | BufferPrefix
  | AddPrefix
  | ReplacePrefix
  | MergePrefix
  | IntervalMatchPrefix
  | HierarchyPrefix
  | HierarchyBelongsToPrefix
  | ConditionPrefix
  | SemanticPrefix
  | ExpansionPrefix;

/** `CONCATENATE [(table)]`. */
export interface ConcatenatePrefix extends BaseNode {
  readonly kind: 'ConcatenatePrefix';
  readonly table: string | null;
}

/** `NOCONCATENATE`. */
export interface NoConcatenatePrefix extends BaseNode {
  readonly kind: 'NoConcatenatePrefix';
}

/** `[INNER|LEFT|RIGHT|OUTER] JOIN [(table)]`; `type` null for a plain JOIN (an outer join). */
export interface JoinPrefix extends BaseNode {
  readonly kind: 'JoinPrefix';
  readonly type: 'inner' | 'left' | 'right' | 'outer' | null;
  readonly table: string | null;
}

/** `INNER|LEFT|RIGHT KEEP [(table)]`. */
export interface KeepPrefix extends BaseNode {
  readonly kind: 'KeepPrefix';
  readonly type: 'inner' | 'left' | 'right' | null;
  readonly table: string | null;
}

/** `MAPPING`: the table is a transient mapping table for ApplyMap / MAP … USING / RENAME … USING. */
export interface MappingPrefix extends BaseNode {
  readonly kind: 'MappingPrefix';
}

/** `CROSSTABLE(attributeField, dataField[, qualifierFields])`. */
export interface CrossTablePrefix extends BaseNode {
  readonly kind: 'CrossTablePrefix';
  readonly attributeField: string;
  readonly dataField: string;
  readonly qualifierFields: Expression | null;
}

/** `GENERIC`. */
export interface GenericPrefix extends BaseNode {
  readonly kind: 'GenericPrefix';
}

/** `FIRST n`. */
export interface FirstPrefix extends BaseNode {
  readonly kind: 'FirstPrefix';
  readonly count: Expression;
}

/** `SAMPLE p`. */
export interface SamplePrefix extends BaseNode {
  readonly kind: 'SamplePrefix';
  readonly probability: Expression;
}

/** `BUFFER [(options)]`; `options` is the raw text inside the parentheses. */
export interface BufferPrefix extends BaseNode {
  readonly kind: 'BufferPrefix';
  readonly options: string | null;
}

/** `ADD [ONLY]` (partial reload). */
export interface AddPrefix extends BaseNode {
  readonly kind: 'AddPrefix';
  readonly only: boolean;
}

/** `REPLACE [ONLY]` (partial reload). */
export interface ReplacePrefix extends BaseNode {
  readonly kind: 'ReplacePrefix';
  readonly only: boolean;
}

/** `MERGE [ONLY] [(sequenceField[, sequenceVariable])] ON key, …` (partial reload). */
export interface MergePrefix extends BaseNode {
  readonly kind: 'MergePrefix';
  readonly only: boolean;
  readonly parameters: readonly string[];
  readonly keys: readonly string[];
}

/** `INTERVALMATCH(field[, key…])`. */
export interface IntervalMatchPrefix extends BaseNode {
  readonly kind: 'IntervalMatchPrefix';
  readonly args: readonly Expression[];
}

/** `HIERARCHY(nodeId, parentId, nodeName, …)`. */
export interface HierarchyPrefix extends BaseNode {
  readonly kind: 'HierarchyPrefix';
  readonly args: readonly Expression[];
}

/** `HIERARCHYBELONGSTO(nodeId, parentId, nodeName, ancestorId, ancestorName, …)`. */
export interface HierarchyBelongsToPrefix extends BaseNode {
  readonly kind: 'HierarchyBelongsToPrefix';
  readonly args: readonly Expression[];
}

/** `WHEN condition` / `UNLESS condition` in front of a load. */
export interface ConditionPrefix extends BaseNode {
  readonly kind: 'ConditionPrefix';
  readonly type: 'when' | 'unless';
  readonly condition: Expression;
}

/** `SEMANTIC`. */
export interface SemanticPrefix extends BaseNode {
  readonly kind: 'SemanticPrefix';
}

/** An unexpanded `$(…)` standing where a prefix would be (its value is only known at reload). */
export interface ExpansionPrefix extends BaseNode {
  readonly kind: 'ExpansionPrefix';
  readonly expansion: DollarExpansion;
}

/** `LOAD [DISTINCT] fields [source] [WHERE …] [WHILE …] [GROUP BY …] [ORDER BY …]`. */
export interface LoadQuery extends BaseNode {
  readonly kind: 'Load';
  readonly distinct: boolean;
  readonly fields: readonly LoadFieldItem[];
  readonly source: LoadSource;
  readonly where: Expression | null;
  readonly while: Expression | null;
  readonly groupBy: readonly Expression[];
  readonly orderBy: readonly OrderByItem[];
}

/** One entry of a LOAD (or STORE) field list. */
export type LoadFieldItem = LoadField | LoadStar;

/** `expression [AS alias]`. */
export interface LoadField extends BaseNode {
  readonly kind: 'LoadField';
  readonly expression: Expression;
  readonly alias: string | null;
}

/** `*` in a field list. */
export interface LoadStar extends BaseNode {
  readonly kind: 'LoadStar';
}

/** `expression [ASC|DESC]` in ORDER BY. */
export interface OrderByItem extends BaseNode {
  readonly kind: 'OrderByItem';
  readonly expression: Expression;
  readonly direction: 'asc' | 'desc' | null;
}

/** Where a LOAD reads from. */
export type LoadSource =
  | FromSource
  | ResidentSource
  | InlineSource
  | AutogenerateSource
  | FromFieldSource
  | ExtensionSource
  | PrecedingSource;

/** `FROM path [(format)]`. */
export interface FromSource extends BaseNode {
  readonly kind: 'FromSource';
  readonly path: string;
  readonly format: FileFormat | null;
}

/** `RESIDENT table`. */
export interface ResidentSource extends BaseNode {
  readonly kind: 'ResidentSource';
  readonly table: string;
}

/**
 * `INLINE [data] [(format)]` or `INLINE "data"`. `data` is the raw text between the delimiters;
 * `fields` and `rows` are the parsed table (header from the first non-empty line unless the
 * format says `no labels`, in which case fields are `@1`, `@2`, …).
 */
export interface InlineSource extends BaseNode {
  readonly kind: 'InlineSource';
  readonly data: string;
  readonly format: FileFormat | null;
  readonly fields: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** `AUTOGENERATE count`. */
export interface AutogenerateSource extends BaseNode {
  readonly kind: 'AutogenerateSource';
  readonly count: Expression;
}

/** `FROM_FIELD (table, field) [(format)]`. */
export interface FromFieldSource extends BaseNode {
  readonly kind: 'FromFieldSource';
  readonly table: string;
  readonly field: string;
  readonly format: FileFormat | null;
}

/** `EXTENSION fn(…)` (server-side extension); `text` is the raw call text. */
export interface ExtensionSource extends BaseNode {
  readonly kind: 'ExtensionSource';
  readonly text: string;
}

/** A preceding load: this LOAD reads the output of `query`, the next LOAD or SELECT of the same statement. */
export interface PrecedingSource extends BaseNode {
  readonly kind: 'PrecedingSource';
  readonly query: LoadQuery | SqlQuery;
}

/** A file format specification `(txt, utf8, embedded labels, delimiter is ',')`. */
export interface FileFormat extends BaseNode {
  readonly kind: 'FileFormat';
  readonly specs: readonly FormatSpec[];
}

/**
 * One item of a format specification. `name` is lower case with single spaces (`qvd`, `txt`, `utf8`,
 * `embedded labels`, `no quotes`, `msq`, `delimiter is`, `header is`, `table is`, `codepage is`, `filters`);
 * `value` is the raw text after it (`','`, `1 lines`, `[Sheet 1]`), or null.
 */
export interface FormatSpec extends BaseNode {
  readonly kind: 'FormatSpec';
  readonly name: string;
  readonly value: string | null;
}

/**
 * `SQL …` (or a bare `SELECT …`): the statement is passed through to the current connection. `text` is
 * the SQL as written, from its first word to before the `;`. `verb` is that first word in upper case.
 * `tables` are the tables named in FROM / JOIN clauses (best effort, for lineage).
 */
export interface SqlQuery extends BaseNode {
  readonly kind: 'Sql';
  readonly text: string;
  readonly verb: string;
  readonly tables: readonly SqlTable[];
}

/** A table named in SQL: `parts` are the unquoted name parts (`['Sales', 'dbo', 'Orders']`), `name` joins them with dots. */
export interface SqlTable extends BaseNode {
  readonly kind: 'SqlTable';
  readonly name: string;
  readonly parts: readonly string[];
  readonly alias: string | null;
}

/** `LIB CONNECT TO 'name'`, `ODBC|OLEDB [CONNECT32|CONNECT64] TO …`, `CUSTOM CONNECT TO "…"`, `CONNECT TO …`. */
export interface ConnectStatement extends BaseNode {
  readonly kind: 'Connect';
  readonly provider: 'lib' | 'odbc' | 'oledb' | 'custom' | null;
  /** `32` / `64` for `CONNECT32` / `CONNECT64`. */
  readonly bitness: '32' | '64' | null;
  /** The connection name or connect string, unquoted. */
  readonly target: string;
  /** Raw text of a trailing `(…)` (e.g. `XUserId is …, XPassword is …`). */
  readonly options: string | null;
}

/** `DISCONNECT`. */
export interface DisconnectStatement extends BaseNode {
  readonly kind: 'Disconnect';
}

/** `STORE [fields FROM] table INTO path [(format)]`. */
export interface StoreStatement extends BaseNode {
  readonly kind: 'Store';
  readonly fields: readonly LoadFieldItem[] | null;
  readonly table: string;
  readonly path: string;
  readonly format: FileFormat | null;
}

/** `DROP TABLE(S) a, b` or `DROP FIELD(S) a, b [FROM t1, t2]`. */
export interface DropStatement extends BaseNode {
  readonly kind: 'Drop';
  readonly target: 'table' | 'field';
  readonly names: readonly string[];
  /** Tables after FROM (fields only); empty when absent. */
  readonly from: readonly string[];
}

/** `old TO new` in RENAME, `old AS new` in ALIAS. */
export interface RenamePair extends BaseNode {
  readonly kind: 'RenamePair';
  readonly from: string;
  readonly to: string;
}

/** `RENAME TABLE(S)|FIELD(S) a TO b, … ` or `RENAME … USING mapTable`. */
export interface RenameStatement extends BaseNode {
  readonly kind: 'Rename';
  readonly target: 'table' | 'field';
  readonly pairs: readonly RenamePair[];
  readonly using: string | null;
}

/** `ALIAS a AS b, …`. */
export interface AliasStatement extends BaseNode {
  readonly kind: 'Alias';
  readonly pairs: readonly RenamePair[];
}

/** `QUALIFY *;` / `QUALIFY a, "b*";` — names or wildcard patterns (`*` for all). */
export interface QualifyStatement extends BaseNode {
  readonly kind: 'Qualify';
  readonly fields: readonly string[];
}

/** `UNQUALIFY *;` / `UNQUALIFY a, b;`. */
export interface UnqualifyStatement extends BaseNode {
  readonly kind: 'Unqualify';
  readonly fields: readonly string[];
}

/** `COMMENT FIELD(S)|TABLE(S) names WITH 'text'` or `COMMENT … USING mapTable`. */
export interface CommentStatement extends BaseNode {
  readonly kind: 'CommentStatement';
  readonly target: 'table' | 'field';
  readonly names: readonly string[];
  readonly comment: string | null;
  readonly using: string | null;
}

/** `TAG|UNTAG [FIELD(S)] names WITH 'tag', …` or `TAG … USING mapTable`. */
export interface TagStatement extends BaseNode {
  readonly kind: 'Tag';
  readonly untag: boolean;
  readonly names: readonly string[];
  readonly tags: readonly string[];
  readonly using: string | null;
}

/**
 * `name: DECLARE [FIELD[S]] DEFINITION [TAGGED tags] [PARAMETERS p = v, …] FIELDS expr AS name [TAGGED tags], …`
 * — a field definition that DERIVE applies to data fields (`$1` in the expressions stands for the
 * data field). The reuse form `name: DECLARE [FIELD[S]] DEFINITION USING existing [WITH p = v, …]`
 * has `using` set, `parameters` holding the WITH assignments and no `fields`. `name` is the
 * statement's label (null when it has none, which the engine refuses at reload).
 */
export interface DeclareStatement extends BaseNode {
  readonly kind: 'Declare';
  readonly name: string | null;
  /** The definition's own tags (DERIVE … FROM IMPLICIT TAG matches data fields by them). */
  readonly tags: readonly string[];
  readonly parameters: readonly DeclareParameter[];
  readonly fields: readonly DeclareField[];
  readonly using: string | null;
}

/** `name = value` in a DECLARE's PARAMETERS (or WITH) list. */
export interface DeclareParameter extends BaseNode {
  readonly kind: 'DeclareParameter';
  readonly name: string;
  readonly value: Expression;
}

/** `expression AS name [TAGGED tags]` in a DECLARE's FIELDS list. */
export interface DeclareField extends BaseNode {
  readonly kind: 'DeclareField';
  readonly expression: Expression;
  readonly name: string;
  readonly tags: readonly string[];
}

/**
 * `DERIVE [FIELD[S]] FROM [FIELD[S]] f, … USING definition`, `… FROM EXPLICIT [TAG[S]] (tags) USING …`
 * or `… FROM IMPLICIT [TAG[S]] USING …` (the data fields carrying any of the definition's own tags).
 */
export interface DeriveStatement extends BaseNode {
  readonly kind: 'Derive';
  readonly from: 'fields' | 'explicit-tags' | 'implicit-tags';
  /** The data fields of `FROM FIELDS`; empty otherwise. */
  readonly fields: readonly string[];
  /** The tags of `FROM EXPLICIT TAGS`; empty otherwise. */
  readonly tags: readonly string[];
  readonly definition: string;
}

/** `BINARY path;` — loads another app's data model. */
export interface BinaryStatement extends BaseNode {
  readonly kind: 'Binary';
  readonly path: string;
}

/** `SUB name[(params)] … END SUB`. */
export interface SubStatement extends BaseNode {
  readonly kind: 'Sub';
  readonly name: string;
  readonly params: readonly string[];
  readonly body: readonly Statement[];
}

/** `CALL name[(args)]`. */
export interface CallStatement extends BaseNode {
  readonly kind: 'Call';
  readonly name: string;
  readonly args: readonly Expression[];
}

/** `IF c THEN … [ELSEIF c THEN …]* [ELSE …] END IF`. */
export interface IfStatement extends BaseNode {
  readonly kind: 'If';
  /** The IF branch first, then each ELSEIF. */
  readonly branches: readonly IfBranch[];
  readonly elseBody: readonly Statement[] | null;
}

/** One `IF`/`ELSEIF` condition and its statements. */
export interface IfBranch extends BaseNode {
  readonly kind: 'IfBranch';
  readonly condition: Expression;
  readonly body: readonly Statement[];
}

/** `FOR v = from TO to [STEP step] … NEXT [v]`. */
export interface ForStatement extends BaseNode {
  readonly kind: 'For';
  readonly variable: string;
  readonly from: Expression;
  readonly to: Expression;
  readonly step: Expression | null;
  readonly body: readonly Statement[];
}

/** `FOR EACH v IN value, … | FileList(…) | DirList(…) | FieldValueList(…) … NEXT [v]`. */
export interface ForEachStatement extends BaseNode {
  readonly kind: 'ForEach';
  readonly variable: string;
  readonly values: readonly Expression[];
  readonly body: readonly Statement[];
}

/** `WHILE c` / `UNTIL c` after DO or LOOP. */
export interface LoopCondition extends BaseNode {
  readonly kind: 'LoopCondition';
  readonly type: 'while' | 'until';
  readonly expression: Expression;
}

/** `DO [WHILE|UNTIL c] … LOOP [WHILE|UNTIL c]`. */
export interface DoLoopStatement extends BaseNode {
  readonly kind: 'DoLoop';
  readonly condition: LoopCondition | null;
  readonly loopCondition: LoopCondition | null;
  readonly body: readonly Statement[];
}

/** `SWITCH e CASE v, … … DEFAULT … END SWITCH`. */
export interface SwitchStatement extends BaseNode {
  readonly kind: 'Switch';
  readonly expression: Expression;
  readonly cases: readonly SwitchCase[];
  readonly defaultBody: readonly Statement[] | null;
}

/** `CASE v1, v2` and its statements. */
export interface SwitchCase extends BaseNode {
  readonly kind: 'SwitchCase';
  readonly values: readonly Expression[];
  readonly body: readonly Statement[];
}

/**
 * One clause of a control statement parsed on its own (see `parseClause`): the node the clause
 * opens, with an empty body. `IF c THEN` and `ELSEIF c THEN` give an `IfBranch`; `FOR …` a `For` or
 * `ForEach`; `DO [WHILE|UNTIL c]` a `DoLoop` with `condition`, `LOOP [WHILE|UNTIL c]` one with
 * `loopCondition`; `SWITCH e` a `Switch` without cases; `CASE v, …` a `SwitchCase`; `SUB name(…)` a `Sub`.
 */
export type ControlClause =
  | IfBranch
  | ForStatement
  | ForEachStatement
  | DoLoopStatement
  | SwitchStatement
  | SwitchCase
  | SubStatement;

/** `WHEN c` / `UNLESS c` after EXIT. */
export interface ExitCondition extends BaseNode {
  readonly kind: 'ExitCondition';
  readonly type: 'when' | 'unless';
  readonly expression: Expression;
}

/** `EXIT SCRIPT|DO|FOR|SUB [WHEN|UNLESS c]`. */
export interface ExitStatement extends BaseNode {
  readonly kind: 'Exit';
  readonly target: 'script' | 'do' | 'for' | 'sub';
  readonly condition: ExitCondition | null;
}

/** `TRACE text;` — `text` is raw (trimmed). */
export interface TraceStatement extends BaseNode {
  readonly kind: 'Trace';
  readonly text: string;
}

/** `SLEEP milliseconds;`. */
export interface SleepStatement extends BaseNode {
  readonly kind: 'Sleep';
  readonly duration: Expression;
}

/** `SECTION ACCESS;` / `SECTION APPLICATION;`. */
export interface SectionStatement extends BaseNode {
  readonly kind: 'Section';
  readonly section: 'access' | 'application';
}

/** `DIRECTORY [path];`. */
export interface DirectoryStatement extends BaseNode {
  readonly kind: 'Directory';
  readonly path: string | null;
}

/** `$(Include=path)` / `$(Must_Include=path)` at statement level (the file is spliced in at reload). */
export interface IncludeStatement extends BaseNode {
  readonly kind: 'Include';
  readonly path: string;
  /** True for Must_Include (a missing file fails the reload). */
  readonly must: boolean;
}

/** An unexpanded `$(…)` that stands for a whole statement. */
export interface ExpansionStatement extends BaseNode {
  readonly kind: 'Expansion';
  readonly expansion: DollarExpansion;
}

/**
 * A statement that is not modelled or could not be parsed, kept verbatim (up to its `;`). A diagnostic
 * always accompanies it. `keyword` is its first word in upper case, when it starts with one.
 */
export interface RawStatement extends BaseNode {
  readonly kind: 'RawStatement';
  readonly text: string;
  readonly keyword: string | null;
}

/** Any node of the tree. */
export type Node =
  | Script
  | Statement
  | Expression
  | TotalQualifier
  | SetExpression
  | SetOperand
  | SetModifier
  | SetFieldModifier
  | ElementSet
  | SetElement
  | LoadPrefix
  | LoadQuery
  | SqlQuery
  | SqlTable
  | LoadFieldItem
  | OrderByItem
  | LoadSource
  | FileFormat
  | FormatSpec
  | RenamePair
  | DeclareParameter
  | DeclareField
  | IfBranch
  | LoopCondition
  | SwitchCase
  | ExitCondition;

/** The `kind` of every node. */
export type NodeKind = Node['kind'];
