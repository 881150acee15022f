import css from 'swagger-ui-dist/swagger-ui.css';
import bundle from 'swagger-ui-dist/swagger-ui-bundle.js';
import type { DocsAssetLoader } from '../routes/docs.js';

/**
 * Workers: no file system, so wrangler bundles the two files of the installed swagger-ui-dist into
 * the Worker as text modules (the `[[rules]]` in wrangler.toml); /docs then needs no CDN there either.
 */
export const workerDocsAssets: DocsAssetLoader = async (name) => (name === 'swagger-ui.css' ? css : bundle);
