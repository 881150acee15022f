/**
 * What the Worker build puts where zod's namespace imports `fromJSONSchema` (wrangler.toml
 * `[alias]`): JSON Schema → zod, which the gateway never does. zod 4's classic namespace re-exports
 * it, and @hono/zod-openapi extends that whole namespace, so no bundler can drop it: ~3 KiB gzip of
 * a production Worker that must stay under 250 KiB. zod is pinned; test/e2e/worker-bundle.test.ts
 * checks that its module is not in the upload, and calling this says why.
 */
export function fromJSONSchema(): never {
  throw new Error(
    'z.fromJSONSchema is left out of the Worker build (wrangler.toml [alias]): the gateway does not use it',
  );
}
