/**
 * Workers Static Assets for /docs: copies Swagger UI's two files from the installed swagger-ui-dist
 * to dist/worker-assets/docs/swagger-ui-dist/, the URL path the /docs page loads them from, so
 * Cloudflare serves them itself and they stay out of the Worker's script upload (issue 10's
 * 250 KiB gzip). wrangler.toml's [build] runs this before every `wrangler dev` / `wrangler deploy`;
 * `prepare` (npm ci) runs it too, so the directory exists without wrangler. Generated, not committed.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WORKER_ASSETS_DIR = join(ROOT, 'dist', 'worker-assets');
/** The files routes/docs.ts's DOCS_ASSETS names (Node serves the same two from node_modules). */
const FILES = ['swagger-ui.css', 'swagger-ui-bundle.js'];

export function buildWorkerAssets() {
  const from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const to = join(WORKER_ASSETS_DIR, 'docs', 'swagger-ui-dist');
  mkdirSync(to, { recursive: true });
  for (const file of FILES) {
    // Unchanged files are left alone: `wrangler dev` reloads when the assets directory changes.
    if (sameContent(join(from, file), join(to, file))) continue;
    copyFileSync(join(from, file), join(to, file));
  }
}

function sameContent(a, b) {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildWorkerAssets();
