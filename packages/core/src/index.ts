export type { ChangeReceiverOptions } from './changes/change-receiver.js';
export type {
  AppCreatedEvent,
  AppDeletedEvent,
  AppPublishedEvent,
  AppReloadedEvent,
  AppUpdatedEvent,
  ReloadFailedEvent,
  SiteChangeBase,
  SiteChangeCursor,
  SiteChangeEvent,
  TaskStartedEvent,
} from './changes/site-change-events.js';
export type { SiteChangeFeedEvents, SiteChangesOptions, SiteSessionEvents } from './changes/site-change-feed.js';
export { SiteChangeFeed } from './changes/site-change-feed.js';
export type { Site, SiteEvents, SiteSessionInfo, SiteStats } from './create-site.js';
export { createSite } from './create-site.js';
export { AppConnection } from './engine/app-connection.js';
export type {
  AppConnectionEvents,
  ConnectionApi,
  ConnectionState,
  EnigmaApi,
  OpenAppOptions,
  RunOptions,
} from './engine/connection-types.js';
export { toEngineError } from './engine/engine-errors.js';
export type { QixflowErrorCode, QixflowErrorDetails } from './errors.js';
export { isQixflowError, QixflowError } from './errors.js';
/** The JSON Schema of a site config (`schemas/qixflow.config.schema.json`), e.g. to validate files that embed one. */
export { qixflowConfigSchema } from './generated/config-schema.js';
export type { Logger, TrafficEvent } from './logger.js';
export { redactingLogger, redactTraffic } from './logger.js';
export type { ConfigEnvVariable, ConfigFromEnvOptions } from './options/config-from-env.js';
export { configEnvVariables, configFromEnv } from './options/config-from-env.js';
export { readConfigFiles } from './options/load-files.js';
export type { ConfigIssue } from './options/validate-config.js';
export { configIssues, formatConfigIssue, validateConfig } from './options/validate-config.js';
export type { QrsCallOptions, QrsQuery } from './qrs/qrs-client.js';
export { QrsClient } from './qrs/qrs-client.js';
export { isSecretName, REDACTED, redact, redactValue } from './redact.js';
export type { FileSessionStore, FileSessionStoreOptions } from './session/file-session-store.js';
export { createFileSessionStore } from './session/file-session-store.js';
export type { SessionBudget, SessionBudgetOptions, SessionBudgetUsage } from './session/session-budget.js';
export {
  createSessionBudget,
  DEFAULT_BUDGET_MAX_SESSIONS,
  DEFAULT_BUDGET_WINDOW_MS,
} from './session/session-budget.js';
export type { MemorySessionStoreOptions, SessionStore, SessionStoreClock } from './session/session-store.js';
export { createMemorySessionStore, currentSessionOwner } from './session/session-store.js';
export type { StateDirOptions } from './session/state-dir.js';
export { defaultBudgetStateFile, defaultSessionStoreFile, defaultStateDir } from './session/state-dir.js';
export type { SessionCookie, SessionOwner, StoredSession, StoredSessionInput } from './session/stored-session.js';
export type {
  Budget,
  CloudJwtAuth,
  CookieAuth,
  JwtAuth,
  NoAuth,
  PrivateKeyOption,
  QixflowConfig,
  SiteAuth,
  SiteOptions,
  Timers,
  Tls,
  WebSocketConstructor,
} from './site-options.js';
