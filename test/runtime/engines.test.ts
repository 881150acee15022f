import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  version?: string;
  engines?: { node?: string };
  optional?: boolean;
}

const read = <T>(file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as T;
const ours = read<{ engines: { node: string } }>('package.json').engines.node;
const locked = read<{ packages: Record<string, LockedPackage> }>('package-lock.json').packages;

/**
 * The Node.js the project says it runs on (package.json `engines`) is one every installed package
 * says it supports, so `npm ci` on the oldest Node we name neither warns nor runs a dependency on
 * a runtime its authors dropped. An upgrade that raises a package's floor fails here, not in use.
 */
describe('the Node.js versions package.json names', () => {
  const oldest = semver.minVersion(ours)!;

  it('include the Node.js running the tests', () => {
    expect(semver.satisfies(process.version, ours), `${process.version} against ${ours}`).toBe(true);
  });

  it('are supported by every package in package-lock.json (optional platform binaries aside)', () => {
    const refusing = Object.entries(locked)
      .filter(([path, pkg]) => path !== '' && !pkg.optional && pkg.engines?.node)
      .filter(([, pkg]) => !semver.satisfies(oldest, pkg.engines!.node!))
      .map(([path, pkg]) => `${path.replace(/^.*node_modules\//, '')}@${pkg.version}: node ${pkg.engines!.node}`);
    expect(refusing, `Node ${oldest} (package.json engines ${ours})`).toEqual([]);
  });
});
