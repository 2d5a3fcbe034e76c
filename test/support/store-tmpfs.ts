// Test support: a small tmpfs mounted for real (a full disk, a read-only file system); skipped where mounting is not permitted, failing under CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { isCi } from './system-programs.js';

function mount(args: readonly string[]): string | null {
  const result = spawnSync('mount', args, { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0
    ? null
    : (result.stderr || result.error?.message || `mount exited ${result.status}`).trim();
}

/** A mounted tmpfs of `sizeBytes`; `readOnly()` remounts it read-only; `remove()` unmounts and deletes it. */
export interface Tmpfs {
  readonly dir: string;
  readOnly(): void;
  remove(): void;
}

/** Mounts a tmpfs of `sizeBytes` in a new temporary directory. Throws when mounting fails. */
export function mountTmpfs(sizeBytes: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'mnpen-tmpfs-'));
  const failure = mount(['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
  if (failure !== null) {
    rmdirSync(dir);
    throw new Error(`cannot mount a tmpfs: ${failure}`);
  }
  return {
    dir,
    readOnly: () => {
      const error = mount(['-o', 'remount,ro', dir]);
      if (error !== null) throw new Error(`cannot remount read-only: ${error}`);
    },
    remove: () => {
      spawnSync('umount', ['--lazy', dir]);
      rmdirSync(dir);
    },
  };
}

let permitted: string | null | undefined;

/** Null when this process may mount a tmpfs, else why not (probed once). */
function mountRefusal(): string | null {
  if (permitted === undefined) {
    try {
      mountTmpfs(64 * 1024).remove();
      permitted = null;
    } catch (error) {
      permitted = (error as Error).message;
    }
  }
  return permitted;
}

/**
 * A describe block that needs to mount a tmpfs (root with CAP_SYS_ADMIN, as in CI's container).
 * Where that is refused: skipped with the reason, or a failing test under CI.
 */
export function describeWithTmpfs(title: string, body: () => void): void {
  const refusal = mountRefusal();
  if (refusal === null) {
    describe(title, body);
    return;
  }
  const why = `needs to mount a tmpfs (run as root with CAP_SYS_ADMIN): ${refusal}`;
  if (isCi()) {
    describe(title, () => {
      it('can mount a tmpfs', () => {
        throw new Error(`under CI the disk-full and read-only tests must run: ${why}`);
      });
    });
    return;
  }
  describe.skip(`${title} [skipped: ${why}]`, body);
}
