import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

/**
 * Prometheus' scrape endpoint, `GET /metrics`, on a listener of its own
 * (`METRICS_PORT`): what the service does and how much is for operators, so
 * it stays off the GraphQL port that clients reach.
 */
export function createMetricsServer(metrics: Metrics, log: Logger): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.statusCode = 404;
      res.end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        res.setHeader('content-type', metrics.registry.contentType);
        res.end(text);
      },
      (error: unknown) => {
        log.error({ err: error }, 'metrics collection failed');
        res.statusCode = 500;
        res.end();
      },
    );
  });
}
