export type {
  AddPrefix,
  AggrSort,
  AliasStatement,
  AutogenerateSource,
  BaseNode,
  BinaryExpression,
  BinaryOperator,
  BinaryStatement,
  BufferPrefix,
  CallStatement,
  Comment,
  CommentStatement,
  ConcatenatePrefix,
  ConditionPrefix,
  ConnectStatement,
  ControlClause,
  CrossTablePrefix,
  DeclareField,
  DeclareParameter,
  DeclareStatement,
  DeriveStatement,
  DirectoryStatement,
  DisconnectStatement,
  DoLoopStatement,
  DollarExpansion,
  DollarExpansionForm,
  DropStatement,
  ElementFunction,
  ElementList,
  ElementSet,
  ElementSetOperation,
  ExitCondition,
  ExitStatement,
  ExpansionPrefix,
  ExpansionStatement,
  Expression,
  ExtensionSource,
  FieldRef,
  FileFormat,
  FirstPrefix,
  ForEachStatement,
  FormatSpec,
  ForStatement,
  FromFieldSource,
  FromSource,
  FunctionCall,
  GenericPrefix,
  HierarchyBelongsToPrefix,
  HierarchyPrefix,
  IfBranch,
  IfStatement,
  IncludeStatement,
  InlineSource,
  IntervalMatchPrefix,
  InvalidExpression,
  JoinPrefix,
  KeepPrefix,
  LetStatement,
  LoadField,
  LoadFieldItem,
  LoadPrefix,
  LoadQuery,
  LoadSource,
  LoadStar,
  LoadStatement,
  LoopCondition,
  MappingPrefix,
  MergePrefix,
  NoConcatenatePrefix,
  Node,
  NodeKind,
  NumberLiteral,
  OrderByItem,
  Position,
  PrecedingSource,
  QualifyStatement,
  RawStatement,
  RenamePair,
  RenameStatement,
  ReplacePrefix,
  ResidentSource,
  SamplePrefix,
  Script,
  SectionStatement,
  SemanticPrefix,
  SetAssignmentOperator,
  SetElement,
  SetElementType,
  SetEntity,
  SetExpression,
  SetFieldModifier,
  SetModifier,
  SetModifierItem,
  SetOperand,
  SetOperation,
  SetOperator,
  SetStatement,
  SleepStatement,
  Span,
  SqlQuery,
  SqlTable,
  Statement,
  StoreStatement,
  StringLiteral,
  SubStatement,
  SwitchCase,
  SwitchStatement,
  Tab,
  TagStatement,
  TotalQualifier,
  TraceStatement,
  UnaryExpression,
  UnaryOperator,
  UnqualifyStatement,
} from './ast.js';
export type { Diagnostic, DiagnosticCode, DiagnosticSeverity } from './diagnostic.js';
export type { ExpandOptions, ExpansionMatch } from './expand-variables.js';
export { expand, findExpansions } from './expand-variables.js';
export type { ExpressionReferences } from './fields-of.js';
export { fieldsOf } from './fields-of.js';
export type { FileFormatOptions } from './file-format-options.js';
export { fileFormatOptions } from './file-format-options.js';
export type { ParseClauseResult } from './parse-clause.js';
export { parseClause } from './parse-clause.js';
export type { ParseExpressionOptions, ParseExpressionResult } from './parse-expression.js';
export { parseExpression } from './parse-expression.js';
export type { ParseScriptOptions, ParseScriptResult } from './parse-script.js';
export { parseScript } from './parse-script.js';
export type { ParseStatementResult } from './parse-statement.js';
export { parseStatement } from './parse-statement.js';
export type {
  PlacedTable,
  QualifyRule,
  TablePlacement,
  TablePlacementInput,
  UnresolvedTarget,
} from './place-table.js';
export { isQualified, placeTable, qualifyFieldNames, qualifyRule, uniqueTableName } from './place-table.js';
export { printExpression, printSetExpression } from './print-expression.js';
export { printScript } from './print-script.js';
export type { SqlClauseColumns, SqlColumnRef, SqlSelect, SqlSelectItem } from './read-sql-select.js';
export { readSqlSelect } from './read-sql-select.js';
export type {
  ScanNode,
  ScannedBranch,
  ScannedDo,
  ScannedFor,
  ScannedIf,
  ScannedStatement,
  ScannedSub,
  ScannedSwitch,
  ScannedText,
} from './scan-node.js';
export type { ScanScriptResult } from './scan-script.js';
export { scanScript } from './scan-script.js';
export type { Token, TokenKind } from './token.js';
export type { TokenizeResult } from './tokenize.js';
export { tokenize } from './tokenize.js';
export type { VariableEnvironment } from './variable-environment.js';
export type { Visitor } from './visit.js';
export { visit } from './visit.js';
export type { WildcardMatcher, WildcardOptions } from './wildcard-match.js';
export { compileWildcard, wildcardMatch } from './wildcard-match.js';
