export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Tested against the request path with its query string, e.g. `/apis/apps/v1/namespaces/shop/deployments/web`. */
  pathPattern: RegExp;
  /** Status answered instead of the real response; omitted means only the delay/reset applies. */
  status?: 500 | 429 | 503 | 409;
  /** How many matching requests are affected. */
  times: number;
  delayMs?: number;
  /** Destroys the connection without an answer, as a crashed server or a dropped link would. */
  resetConnection?: boolean;
}

export interface FaultHandle {
  /** Matching requests still to be affected. */
  readonly remaining: number;
  cancel(): void;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

export type FaultAction = Pick<FaultSpec, 'status' | 'delayMs' | 'resetConnection'>;

/** Faults consumed in the order they were injected, each for its number of requests. */
export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): FaultHandle {
    if (!Number.isInteger(spec.times) || spec.times < 1) throw new Error('injectFault: times must be a positive integer');
    const fault: ActiveFault = { spec: { ...spec }, remaining: spec.times };
    this.faults.push(fault);
    return {
      get remaining() {
        return fault.remaining;
      },
      cancel: () => {
        fault.remaining = 0;
        this.faults = this.faults.filter((f) => f !== fault);
      },
    };
  }

  /** The fault for this request, if any; consumes one use of it. */
  take(method: string, pathWithQuery: string): FaultAction | undefined {
    const fault = this.faults.find((f) => {
      if (f.spec.method && f.spec.method.toUpperCase() !== method.toUpperCase()) return false;
      f.spec.pathPattern.lastIndex = 0;
      return f.spec.pathPattern.test(pathWithQuery);
    });
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    const { status, delayMs, resetConnection } = fault.spec;
    return { status, delayMs, resetConnection };
  }

  clear(): void {
    this.faults = [];
  }
}
