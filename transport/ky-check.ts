import ky from 'ky';
import { BodylessRequest, UnlinkedRequest } from './ky-construction.js';

/**
 * Refuses (throws, naming ky) when ky does not build its calls with ky-construction.ts's classes: a build
 * without scripts/ky-build-patch.mjs, or a ky whose constructor moved. Run by the Node entry
 * before it serves; costs two calls that never leave the process.
 */
export async function checkKyConstruction(): Promise<void> {
  const seen: unknown[] = [];
  const fetch = async (input: unknown) => {
    seen.push(input);
    return new Response(null, { status: 204 });
  };
  const options = { fetch, timeout: false, retry: 0 } as const;
  await ky.get('http://ky-check.invalid/', options);
  await ky.post('http://ky-check.invalid/', { ...options, json: {} });
  if (!(seen[0] instanceof BodylessRequest) || !(seen[1] instanceof UnlinkedRequest)) {
    throw new Error(
      'ky does not build its requests with transport/ky-construction.ts: this Node build expects ky 1.14.3 ' +
        'patched by scripts/ky-build-patch.mjs (run `node scripts/build.mjs`; after a ky upgrade, check the patch)',
    );
  }
}
