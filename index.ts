// exogate as a library: `import { startGateway } from 'exogate'` (DESIGN.md "Interfaces").
export { startGateway, DEMO_SEED_PATH, type Gateway, type GatewayOptions, type Endpoints } from './gateway.js';
export { DEFAULT_LIMITS, DEFAULT_PORTS, LISTENER_KEYS, type Limits, type ListenerKey } from './core/config.js';
export { PROTOCOLS, PROTOCOL_IDS, type ProtocolId, type ProtocolFacts } from './core/protocols.js';
export { OUTCOMES, type Outcome, type AuthAttempt, type Decision } from './core/auth/attempt.js';
export { ERAS, eraAt } from './core/eras.js';
export { SeedError } from './core/tenants/seed-schema.js';
export { loadTest, LOAD_PROTOCOLS, type LoadTestOptions, type LoadResult, type LoadMixEntry, type LoadOAuthOptions } from './scripts/load/engine.js';
export { renderReport, type ReportMeta } from './scripts/load/report.js';
export type { RunReport, ScenarioReport, TimelinePoint } from './scripts/load/runner.js';
