import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DocsAssetLoader } from '../routes/docs.js';

/** Node: the files of the installed swagger-ui-dist package. */
export const nodeDocsAssets: DocsAssetLoader = async (name) => {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return readFile(join(dir, name), 'utf8');
};
