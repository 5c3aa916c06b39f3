// Planning measures the service's detection queries (catalog `detection`) so the plan opens with what
// is breached. Bounded: a slow Prometheus makes the readings unknown, it never holds up the plan.
import type { DetectionReport } from '../detection-report.js';
import { measureDetection } from '../detection.js';
import type { Deployment } from '../model.js';
import type { Service } from '../service.js';
import type { UseCaseDeps } from './deps.js';

const DETECTION_TIMEOUT_MS = 8_000;

export async function detectionFor(
  deps: Pick<UseCaseDeps, 'prometheus' | 'clock' | 'logger'>,
  service: Service,
  failed: Deployment,
  target: Deployment,
): Promise<DetectionReport | undefined> {
  if (!service.detection || !deps.prometheus) return undefined;
  const report = await measureDetection(
    deps.prometheus,
    { spec: service.detection, failed, target, now: deps.clock.now() },
    AbortSignal.timeout(DETECTION_TIMEOUT_MS),
  );
  const unknown = report.measurements.filter((m) => m.status === 'unknown');
  if (unknown.length > 0)
    deps.logger.warn(
      { service: service.name, queries: unknown.map((m) => ({ name: m.name, error: 'error' in m.now ? m.now.error : undefined })) },
      'detection queries could not be evaluated; shown as unknown',
    );
  return report;
}
