// A catalog service for tests, valid as the config layer would produce it.
import type { Service } from '../../src/core/service.js';

export function makeService(overrides: Partial<Service> = {}): Service {
  return {
    name: 'checkout',
    environment: 'production',
    channel: 'C0INCIDENTS',
    target: { kind: 'kubernetes', namespace: 'shop', deployments: ['checkout-api', 'checkout-worker'], core: ['checkout-api'] },
    verification: { http: [], commands: [], prometheus: [], timeoutSeconds: 30, required: false },
    approvals: {
      approvers: ['U0APPROVE', 'U0SECOND', 'S0ONCALL'],
      requesters: [],
      channels: [],
      required: 1,
      highRiskRequired: 2,
      allowSelfApproval: false,
      autoApprove: ['U0CIBOT'],
      apiAutoApprove: false,
      maxAutoRisk: 'MEDIUM',
      remindAfterMinutes: 5,
    },
    planExpiryMinutes: 30,
    historyKeep: 20,
    preserveDataMigrations: true,
    reasonRequired: false,
    ...overrides,
  };
}
