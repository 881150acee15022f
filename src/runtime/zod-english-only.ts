/**
 * What the Worker build puts where zod imports its locales (wrangler.toml `[alias]`): English only.
 * zod 4's namespace re-exports 48 locales (`export * as locales from "../locales/index.js"`), and
 * @hono/zod-openapi extends that whole namespace, so no bundler can drop them: ~40 KiB gzip of the
 * production Worker, which must stay under 250 KiB (docs/performance.md, "Assumptions"). The
 * gateway never switches zod's locale. zod is pinned to the exact version this was checked against;
 * `checkZodEnglishOnly` (worker.ts, at start) and test/e2e/worker-bundle.test.ts check it holds.
 */
export { default as en } from 'zod/v4/locales/en.js';
