import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config.js';

/**
 * `npm install` warns EBADENGINE when a package wants a newer Node than ours: every
 * package in the lockfile must accept every Node version package.json declares.
 */
describe('engines', () => {
  const root = projectRoot();
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const ours: string = pkg.engines.node;

  it('package.json declares a Node range that includes the Node running the tests', () => {
    expect(semver.validRange(ours)).not.toBeNull();
    expect(semver.satisfies(process.versions.node, ours)).toBe(true);
  });

  it("every package in package-lock.json supports every Node version package.json's engines allow", () => {
    const packages = Object.entries<any>(lock.packages).filter(([name]) => name !== '');
    expect(packages.length).toBeGreaterThan(100);
    const unsupported: string[] = [];
    for (const [name, meta] of packages) {
      const theirs = typeof meta.engines === 'object' && !Array.isArray(meta.engines) ? meta.engines.node : undefined;
      if (!theirs) continue;
      if (!semver.validRange(theirs) || !semver.subset(ours, theirs)) unsupported.push(`${name}@${meta.version} wants node ${theirs}`);
    }
    expect(unsupported).toEqual([]);
  });

  it("the README names the Node versions package.json declares", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(ours);
  });
});
