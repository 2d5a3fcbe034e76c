// A reconnect after RESET closes the previous link and port: only one link heartbeats.
import { describe, expect, it } from 'vitest';
import { PenSimulation } from '../../sim/index.js';
import { Sku } from '../../src/protocol/index.js';
import { ControllerSession } from '../../src/wiring/controller-session.js';
import { openPenPort } from '../../src/wiring/open-port.js';
import type { SerialPortStream } from '@serialport/stream';
import { HOME_FULL_FACE } from '../support/session-fixtures.js';

describe('reconnect', () => {
  it('S13: RESET then CONNECT closes the old port before opening a new one', async () => {
    const simulation = PenSimulation.create({ seed: 31, sku: Sku.HOME });
    const ports: SerialPortStream[] = [];
    const session = new ControllerSession(
      { plan: HOME_FULL_FACE, mode: 'home' },
      {
        clock: simulation.clock,
        openPort: async () => {
          const port = await openPenPort({ kind: 'sim', simulation });
          ports.push(port);
          return port;
        },
      },
    );
    await simulation.advance(1000);
    session.start();
    await simulation.runUntil(() => session.actor.getSnapshot().matches({ connected: 'idle' }), 2000);
    simulation.faults.linkDrop();
    await simulation.runUntil(() => session.actor.getSnapshot().matches('fault'), 1000);
    expect(session.actor.getSnapshot().context.faults.map((fault) => fault.reason)).toContain('LINK_DEAD');
    simulation.faults.linkRestore();
    session.send({ type: 'RESET' });
    session.send({ type: 'CONNECT' });
    await simulation.runUntil(() => session.actor.getSnapshot().matches({ connected: 'idle' }), 2000);
    expect(ports).toHaveLength(2);
    expect(ports[0]!.isOpen).toBe(false);
    expect(ports[1]!.isOpen).toBe(true);
    session.shutdown();
    await simulation.close();
  });
});
