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
  // The oldest Node of each range it names (`^20.19.0 || ^22.12.0 || ^24.0.0`: 20.19.0, 22.12.0 and
  // 24.0.0), and the first release of each major it admits (a range that took in Node 21 would fail
  // on 21.0.0: vite refuses it; 25 and 26 are left out because cloudevents, for the tests, says <=24).
  const oldest = new semver.Range(ours).set.map(
    (comparators) => semver.minVersion(comparators.map((c) => c.value).join(' '))!.version,
  );
  const majors = [20, 21, 22, 23, 24, 25, 26].map((major) => `${major}.0.0`).filter((v) => semver.satisfies(v, ours));
  const versions = [...new Set([...oldest, ...majors])];

  it('include the Node.js running the tests', () => {
    expect(semver.satisfies(process.version, ours), `${process.version} against ${ours}`).toBe(true);
  });

  it.each(versions)(
    'are supported by every package in package-lock.json (optional platform binaries aside): %s',
    (version) => {
      const refusing = Object.entries(locked)
        .filter(([path, pkg]) => path !== '' && !pkg.optional && pkg.engines?.node)
        .filter(([, pkg]) => !semver.satisfies(version, pkg.engines!.node!))
        .map(([path, pkg]) => `${path.replace(/^.*node_modules\//, '')}@${pkg.version}: node ${pkg.engines!.node}`);
      expect(refusing, `Node ${version} (package.json engines ${ours})`).toEqual([]);
    },
  );
});
