// GET /metrics in the Prometheus text format, for a scraper inside the cluster (keep it off the Ingress).
import type { CustomRoute } from '@slack/bolt';
import type { Metrics } from './metrics.js';

export function metricsRoutes(metrics: Metrics): CustomRoute[] {
  return [
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        metrics.render().then(
          (text) => {
            res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
            res.end(text);
          },
          (error: unknown) => {
            // A collector that throws is a bug; answer so the scrape fails visibly instead of hanging.
            res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
            res.end(`metrics collection failed: ${error instanceof Error ? error.message : 'unknown error'}\n`);
          },
        );
      },
    },
  ];
}
