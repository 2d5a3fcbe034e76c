// Preload (node --import) for a controller child: a synchronous stall of its main thread, MNPEN_TEST_STALL="ms:everyMs" (e.g. "120:1000").
import { isMainThread } from 'node:worker_threads';

const spec = process.env.MNPEN_TEST_STALL;
// NOTE: workers inherit --import; only the machine's (main) thread stalls.
if (isMainThread && spec !== undefined) {
  const [stallMs, everyMs] = spec.split(':').map(Number);
  if (!(stallMs > 0 && everyMs > stallMs)) throw new Error(`MNPEN_TEST_STALL: "${spec}" is not "ms:everyMs"`);
  const stalls = [];
  setInterval(() => {
    const startedAt = performance.now();
    while (performance.now() - startedAt < stallMs) {
      // busy: the event loop, timers and I/O callbacks of this thread all wait
    }
    stalls.push(Math.round(performance.now() - startedAt));
  }, everyMs).unref();
  process.on('exit', () => process.stderr.write(`main-thread stalls: ${stalls.length} x ${stallMs} ms\n`));
}
