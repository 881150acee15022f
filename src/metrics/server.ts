import { createServer, type Server } from 'node:http';
import type { Log } from '../../adapters/types.js';
import type { EventStatsSource, GatewayMetrics } from './metrics.js';

/**
 * METRICS_PORT: /metrics alone on a listener of its own, without authentication, for a scraper
 * inside the deployment (bind it with METRICS_HOST where only the scraper reaches it). Anything
 * else is a 404.
 */
export function serveMetrics(
  metrics: GatewayMetrics,
  listener: { port: number; host?: string },
  /** `source.events` is read at each scrape (GatewayDeps: the events feature, when on). */
  options: { log: Log; source: { events?: EventStatsSource } },
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: this listener serves GET /metrics only\n');
      return;
    }
    metrics.render(options.source.events).then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(req.method === 'HEAD' ? '' : text),
      (error: unknown) => {
        options.log.error({ err: error }, 'rendering /metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be rendered\n');
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listener.port, listener.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
