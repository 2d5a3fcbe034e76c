// Software versions a bench record names: the controller (this package), johnny-five, firmata-io, Node.
import { createRequire } from 'node:module';
import { mnpenPackage } from '../package-root.js';
import type { BenchRecord } from './record-schema.js';

/** Versions of the software that ran the bench. */
export function benchVersions(): BenchRecord['versions'] {
  const require = createRequire(import.meta.url);
  const versionOf = (name: string): string => (require(`${name}/package.json`) as { version: string }).version;
  return {
    controller: mnpenPackage().version,
    node: process.version,
    johnnyFive: versionOf('johnny-five'),
    firmataIo: versionOf('firmata-io'),
  };
}
