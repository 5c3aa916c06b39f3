// Every Store behaviour, as one suite that each implementation runs with its own harness:
// SQLite in test/integration/store-contract-sqlite.test.ts, PostgreSQL in store-contract-postgres.test.ts.
import { describeAuditTrailContract } from './audit-trail-contract.js';
import { describeDeploymentContract } from './deployment-contract.js';
import { describeLeaseContract } from './lease-contract.js';
import { describeListRunsContract } from './list-runs-contract.js';
import { describeRunContract } from './run-contract.js';
import { describeRunOutcomesContract } from './run-outcomes-contract.js';
import type { StoreHarness } from './store-harness.js';

export type { StoreHarness } from './store-harness.js';

export function describeStoreContract(name: string, harness: StoreHarness): void {
  describeDeploymentContract(name, harness);
  describeRunContract(name, harness);
  describeListRunsContract(name, harness);
  describeRunOutcomesContract(name, harness);
  describeAuditTrailContract(name, harness);
  describeLeaseContract(name, () => harness.open());
}
