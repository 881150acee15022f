/**
 * `npm start`: runs the compiled gateway (dist/node/node.js), compiled first only when dist/ is
 * missing or stale (scripts/fresh-build.mjs), so a start normally loads no compiler at all.
 */
import { freshEntry } from './fresh-build.mjs';

/*
 * V8 flags: package.json's start command passes them on node's command line, where Node documents
 * V8 options (NODE_OPTIONS refuses these two), so V8 has them from its first heap limit on, and a
 * V8 that no longer knows one refuses to start ("bad option") instead of ignoring it. Measured
 * side by side, 8 alternating turns each (docs/performance.md, "Runtime flags"):
 * --heap-growing-percent=75: the old space grows by 1.75× what survived the last full GC instead
 *   of up to 4×: RSS under GET load 129 MiB instead of 216 (target 150), CPU per request the same
 *   within noise. Not a cap: the heap's ceiling is unchanged.
 * --no-allocation-site-pretenuring: V8 stops allocating a site's objects straight into the old
 *   space once most survive a scavenge; under load a site on the path of a page of 20 customers
 *   became one, and its old objects kept each page's young ones through scavenges: 23.4 → 7.4 KB
 *   promoted and 9 → 4 full GCs per page (bench/gc.ts), 724 → 632 µs of CPU per page.
 */

// Source maps are written next to the build but not loaded by default (it costs start-up time):
// NODE_OPTIONS=--enable-source-maps makes stack traces name the TypeScript sources.
await import(await freshEntry('node'));
