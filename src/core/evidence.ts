// What the cluster (and the incident) showed about the failed version, and what we conclude from it.

export interface PodEvidence {
  name: string;
  component: string;
  image: string;
  phase: string;
  ready: boolean;
  restarts: number;
  waitingReason?: string;
  lastTerminationReason?: string;
  lastExitCode?: number;
  scheduledFailure?: string;
}

export interface EventEvidence {
  object: string;
  reason: string;
  message: string;
  count: number;
}

export interface LogEvidence {
  pod: string;
  container: string;
  lines: string[];
}

export interface Evidence {
  failedImages: string[];
  pods: PodEvidence[];
  warnings: EventEvidence[];
  logs: LogEvidence[];
}

export interface ProbableCause {
  summary: string;
  confidence: 'high' | 'medium' | 'low';
  evidence: string[];
}

export interface RootCause {
  causes: ProbableCause[];
  pods: PodEvidence[];
  warnings: EventEvidence[];
  lastLogLines: LogEvidence[];
}
