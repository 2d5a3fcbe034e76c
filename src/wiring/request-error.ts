// Bad input given to a session request (a plan, a screening file, a client id, a database): changes nothing.

/** Raised before anything is sent to the pen or written to the records; callers show it and exit 2. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}
