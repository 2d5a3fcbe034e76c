// A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp dir as the postgres user, pg_ctl start, one database per test.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgProgram } from './pg-binaries.js';

export interface PgCluster {
  readonly port: number;
  /** URL of a database of this cluster. */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(prefix?: string): string;
  /** Runs SQL on a database with psql (as the superuser); returns its stdout. */
  psql(database: string, sql: string): string;
  /**
   * Stops the server and starts it again. `fast` cuts the sessions; `immediate` is a crash (no
   * checkpoint, recovery from the WAL at the next start). Neither loses a commit.
   */
  stopServer(mode?: 'fast' | 'immediate'): void;
  startServer(): void;
  /** Starts the server unless it runs (a test's cleanup after a stop). */
  ensureRunning(): void;
  /**
   * Freezes the server (SIGSTOP to the postmaster and its backends): it accepts connections but
   * never answers, as a hung host or a cut network would. Returns the thaw (SIGCONT).
   */
  freeze(): () => void;
  /** Stops the server and removes the cluster. */
  remove(): void;
}

function run(command: string, args: readonly string[], asPostgres: boolean): string {
  const [file, argv] =
    asPostgres && process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${String(result.error ?? result.status)}): ${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

/** A free TCP port on loopback (asked of the kernel, then released). */
async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

let databases = 0;

/**
 * Starts a cluster (about 1.4 s): initdb (trust auth on loopback, no fsync at initdb), then the
 * server with its socket in the temp dir. The server keeps fsync on: commits are as durable as in a clinic.
 */
export async function startPgCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'mnpen-pg-'));
  chmodSync(dir, 0o755);
  if (process.getuid?.() === 0)
    chownSync(dir, Number(run('id', ['-u', 'postgres'], false)), Number(run('id', ['-g', 'postgres'], false)));
  const data = join(dir, 'data');
  run(
    pgProgram('initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'],
    true,
  );
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=32MB`;
  const start = () =>
    run(
      pgProgram('pg_ctl'),
      ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start'],
      true,
    );
  const stop = (mode: string) => run(pgProgram('pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'], true);
  start();
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const psql = (database: string, sql: string) =>
    run(pgProgram('psql'), ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', url(database), '-c', sql], false);
  return {
    port,
    url,
    psql,
    createDatabase(prefix = 'mnpen') {
      const name = `${prefix}_${process.pid}_${++databases}`;
      psql('postgres', `CREATE DATABASE ${name}`);
      return url(name);
    },
    stopServer: (mode = 'fast') => stop(mode),
    startServer: start,
    ensureRunning() {
      if (!existsSync(join(data, 'postmaster.pid'))) start();
    },
    freeze() {
      const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const backends = run('ps', ['-o', 'pid=', '--ppid', String(postmaster)], false)
        .split('\n')
        .map(Number)
        .filter((pid) => pid > 0);
      const pids = [postmaster, ...backends];
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      return () => {
        for (const pid of pids) process.kill(pid, 'SIGCONT');
      };
    },
    remove() {
      try {
        stop('immediate');
      } catch {
        // NOTE: already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
