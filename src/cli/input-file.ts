// Reads a JSON input file named on the command line: a regular file, bounded in size, parsed; every failure names the flag.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from './command.js';

/** Largest input file (plan, screening answers, profile) the CLI reads, bytes. */
export const MAX_INPUT_FILE_BYTES = 256 * 1024;

/**
 * Reads and parses the JSON file at `path`. Throws UsageError (exit 2) naming `flag` when it is not
 * a regular file (a directory, /dev/zero), is larger than MAX_INPUT_FILE_BYTES, cannot be read, is
 * not UTF-8 text or not JSON. Never reads more than the limit.
 */
export function readJsonInput(flag: string, path: string): unknown {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let text: string;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`${flag} ${path}: not a regular file`);
    if (stat.size > MAX_INPUT_FILE_BYTES) {
      throw new UsageError(`${flag} ${path}: ${stat.size} bytes, larger than the ${MAX_INPUT_FILE_BYTES}-byte limit`);
    }
    const buffer = Buffer.alloc(MAX_INPUT_FILE_BYTES + 1);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    if (read > MAX_INPUT_FILE_BYTES)
      throw new UsageError(`${flag} ${path}: larger than the ${MAX_INPUT_FILE_BYTES}-byte limit`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, read));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${flag} ${path}: cannot read it as UTF-8 text (${(error as Error).message})`);
  } finally {
    closeSync(fd);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${flag} ${path}: not valid JSON (${(error as Error).message})`);
  }
}
