// After a fault, RESET resets the pen only: the session stays ended, and shutting the runner down closes its port.
import { describe, expect, it } from 'vitest';
import type { SerialPortStream } from '@serialport/stream';
import { PenSimulation } from '../../sim/index.js';
import { Sku } from '../../src/protocol/index.js';
import { openPenPort } from '../../src/wiring/open-port.js';
import { SessionRunner } from '../../src/wiring/session-runner.js';
import { inputOf } from '../support/machine-harness.js';
import { MemoryRecords } from '../support/memory-records.js';
import { HOME_FULL_FACE } from '../support/session-fixtures.js';

describe('after a fault', () => {
  it('S13: RESET after a link loss resets the pen but never resumes the session; shutdown closes the port', async () => {
    const simulation = PenSimulation.create({ seed: 31, sku: Sku.HOME });
    const ports: SerialPortStream[] = [];
    const runner = new SessionRunner(inputOf(HOME_FULL_FACE), {
      clock: simulation.clock,
      openPort: async () => {
        const port = await openPenPort({ kind: 'sim', simulation });
        ports.push(port);
        return port;
      },
      records: new MemoryRecords(),
    });
    await simulation.advance(1000);
    runner.start();
    await simulation.runUntil(() => runner.snapshot.matches({ connected: 'session' }), 3000);
    simulation.faults.linkDrop();
    await simulation.runUntil(() => runner.snapshot.matches('fault'), 1000);
    expect(runner.context.faults.map((fault) => fault.reason)).toContain('LINK_DEAD');
    const result = await runner.whenEnded();
    expect(result.end).toEqual({ outcome: 'fault', reason: 'LINK_DEAD' });
    simulation.faults.linkRestore();
    runner.operator({ type: 'RESET' });
    runner.operator({ type: 'START_SESSION' });
    await simulation.advance(500);
    expect(runner.snapshot.matches('fault')).toBe(true);
    expect(runner.context.refusals.map((refusal) => refusal.reason)).toContain('INPUT_NOT_ACCEPTED_NOW');
    expect(ports).toHaveLength(1);
    await runner.shutdown();
    expect(ports[0]!.isOpen).toBe(false);
    await simulation.close();
  });
});
