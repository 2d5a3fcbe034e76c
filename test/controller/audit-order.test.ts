// The stop path never waits for a durable audit write, and the audit log keeps causal order.
import { describe, expect, it } from 'vitest';
import type { ControllerSession } from '../../src/wiring/controller-session.js';
import { NULL_RECORDER, type SessionRecorder } from '../../src/wiring/recorder.js';
import { runSimulatedSession } from '../../src/wiring/sim-session.js';
import { HOME_FULL_FACE } from '../support/session-fixtures.js';

describe('audit on the stop path', () => {
  it('S8 S13: a pen fault is audited after the machine reacted (STOP already written), then the STOP it caused', async () => {
    let session: ControllerSession | undefined;
    const log: { kind: string; type: string; machineInFault: boolean }[] = [];
    const recorder: SessionRecorder = {
      ...NULL_RECORDER,
      audit: (kind, detail) => {
        const entry = detail as { type?: string; name?: string };
        log.push({
          kind,
          type: entry.type ?? entry.name ?? '?',
          machineInFault: session!.actor.getSnapshot().matches('fault'),
        });
      },
    };
    const result = await runSimulatedSession({
      input: { plan: HOME_FULL_FACE, mode: 'home' },
      seed: 51,
      recorder,
      onSimulation: (simulation, controller) => {
        session = controller;
        controller.actor.subscribe((snapshot) => {
          if (snapshot.matches({ connected: { session: { treating: 'passInProgress' } } }))
            simulation.faults.overCurrent();
        });
      },
    });
    expect(result.summary.outcome).toBe('fault');
    const faultAt = log.findIndex((entry) => entry.kind === 'event' && entry.type === 'PEN_FAULT');
    expect(faultAt).toBeGreaterThanOrEqual(0);
    expect(log[faultAt]!.machineInFault).toBe(true);
    expect(log[faultAt + 1]).toMatchObject({ kind: 'command', type: 'STOP' });
  });
});
