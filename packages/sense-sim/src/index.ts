export type { AuditEntry, AuditEntryType, AuditUser, RejectReason, SessionEndReason } from './audit-log.js';
export { AuditLog, userKey } from './audit-log.js';
export type { Clock } from './clock.js';
export { ManualClock, systemClock } from './clock.js';
export type {
  SigningKeys,
  Simulator,
  SimulatorProxyInfo,
  SimulatorReloadInfo,
  SimulatorSessionInfo,
  SimulatorStats,
  SimulatorTenantInfo,
} from './create-simulator.js';
export { createSimulator } from './create-simulator.js';
export { demoSitePath, SiteFixtureError } from './internal/site/site.js';
export type {
  CalculationModel,
  CalculationOptions,
  ReloadBudgets,
  SimAppFixture,
  SimSiteFixture,
  SimulatorConfig,
  SimulatorOptions,
  Tenant,
  VirtualProxy,
} from './options.js';
export type { SessionSelector } from './simulator-control.js';
export { SimulatorControl } from './simulator-control.js';
export type { SimulatorFiles } from './simulator-files.js';
export { describeApps, describeReloadFailures, UnsafeFileError, writeSimulatorFiles } from './simulator-files.js';
export type { CliSimulator, SimulatorStartUpFailure, SimulatorStartUpFlags } from './simulator-start-up.js';
export {
  DEFAULT_SIMULATOR_PORT,
  describeSimulator,
  SimulatorStartUpError,
  simulatorOptionsFromFlags,
  startSimulatorForCli,
} from './simulator-start-up.js';
