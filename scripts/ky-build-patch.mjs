/**
 * The Node build's one change to a dependency: in ky's constructor, `new globalThis.Request(…)` and
 * `new globalThis.AbortController()` become transport/ky-construction.ts's classes (why, and what
 * it saves: there and in docs/performance.md). ky is pinned to KY_VERSION in package.json; the
 * build fails, naming ky, when the installed version or either line differs, and the entry's
 * `checkKyConstruction` refuses to start when the classes are not in use. Used by esbuild
 * (scripts/build.mjs) and by Vitest (vitest.config.ts), so that in-process tests run the ky that
 * npm start runs. The Worker bundles ky as published.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const KY_VERSION = '1.14.3';
export const KY_MODULE = /[\\/]ky[\\/]distribution[\\/]core[\\/]Ky\.js$/;
const REPLACEMENTS = [
  // The constructor's (the same line in #fetch runs only after ky's own controller aborted).
  [
    'this.#userProvidedAbortSignal = this.#options.signal ?? this.#input.signal;\n            this.#abortController = new globalThis.AbortController();',
    'this.#userProvidedAbortSignal = this.#options.signal ?? this.#input.signal;\n            this.#abortController = new __GatewayKyAbortController();',
  ],
  [
    'this.request = new globalThis.Request(this.#input, this.#options);',
    'this.request = new __GatewayKyRequest(this.#input, this.#options);',
  ],
];

/** ky's Ky.js (at `path`) with both constructions replaced; throws, naming ky, when it does not fit. */
export function patchKySource(path, root) {
  const { version } = JSON.parse(readFileSync(join(path, '..', '..', '..', 'package.json'), 'utf8'));
  if (version !== KY_VERSION) {
    throw new Error(`ky ${version} is installed; the Node build patches ky ${KY_VERSION} (scripts/ky-build-patch.mjs)`);
  }
  let source = readFileSync(path, 'utf8');
  for (const [from, to] of REPLACEMENTS) {
    if (source.split(from).length !== 2) throw new Error(`ky ${KY_VERSION}: Ky.js no longer holds once: ${from}`);
    source = source.replace(from, to);
  }
  const classes = JSON.stringify(join(root, 'transport', 'ky-construction.ts'));
  return `import { KyRequest as __GatewayKyRequest, KyAbortController as __GatewayKyAbortController } from ${classes};\n${source}`;
}

/** The esbuild plugin. */
export function kyConstructionPlugin(root) {
  return {
    name: 'ky-construction',
    setup(build) {
      build.onLoad({ filter: KY_MODULE }, ({ path }) => ({ contents: patchKySource(path, root), loader: 'js' }));
    },
  };
}
