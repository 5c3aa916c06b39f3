// A service as the catalog (smartspec.yml) describes it. The config layer parses the file into this shape.

export interface KubernetesTarget {
  kind: 'kubernetes';
  context?: string;
  namespace: string;
  deployments: string[];
  core: string[];
}

export interface HttpCheckSpec {
  url: string;
  status: number;
}

export interface VerificationSpec {
  http: HttpCheckSpec[];
  commands: string[][];
  timeoutSeconds: number;
}

export interface ApprovalPolicy {
  /** Slack user ids (U…/W…) and user-group ids (S…). */
  approvers: string[];
  required: number;
  highRiskRequired: number;
  allowSelfApproval: boolean;
  autoApprove: string[];
}

export interface Service {
  name: string;
  environment: string;
  channel?: string;
  target: KubernetesTarget;
  verification: VerificationSpec;
  approvals: ApprovalPolicy;
  /** Minutes a plan stays approvable. */
  planExpiryMinutes: number;
}

export interface Catalog {
  services: Map<string, Service>;
}
