// The state-machine doc carries the current generated diagram; the diagram draws every state and decision.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import { controllerMachine } from './machine.js';
import { machineToMermaid, withCurrentDiagram } from './diagram.js';
import { machineInventory } from '../../test/support/machine-sweep.js';

describe('state diagram', () => {
  const doc = readFileSync(new URL('../../docs/state-machine.md', import.meta.url), 'utf8');
  const diagram = machineToMermaid();
  const lines = diagram.split('\n').map((line) => line.trim());

  it('docs/state-machine.md contains the diagram generated from the current machine', () => {
    expect(doc).toContain(`\`\`\`mermaid\n${diagram}\n\`\`\``);
    expect(withCurrentDiagram(doc)).toBe(doc);
  });

  it('S13: draws every state; the latched states have no way out, and ESTOP reaches emergencyStop from anywhere', () => {
    for (const id of machineInventory().states) {
      const key = id.split('.').at(-1) ?? id;
      expect(diagram).toMatch(new RegExp(`(^|\\s)${key}(\\s|$|:)`, 'm'));
    }
    expect(lines.filter((line) => line.startsWith('fault -->') || line.startsWith('emergencyStop -->'))).toEqual([]);
    expect(lines).toContain('anyState --> emergencyStop: ESTOP');
    expect(lines).toContain('connected --> emergencyStop: ESTOP');
  });

  it('draws the eventless decisions with their guards: waiting for IDLE, the start checks, the area choice', () => {
    expect(lines).toContain('waitingForIdlePen --> starting: always [isPenIdle]');
    expect(lines).toContain('starting --> refused: always [isProModeLocked, hasNoCartridge]');
    expect(lines).toContain('disconnected --> refused: START_SESSION [isProfileRefused, isPlanModeMismatch]');
    expect(lines).toContain('admitting --> waitingForIdlePen: ADMISSION_FACTS [isProUnlockGranted, otherwise]');
    expect(lines).toContain('deciding --> completed: always [isEveryAreaDone]');
    expect(lines).toContain('deciding --> aborted: always [hasNoAreaToTry]');
    expect(lines).toContain(
      'configuring --> awaitingReservation: COMMAND_ACKED [isLastSetupAck & isReservationPending]',
    );
  });

  it('S13: the core has no delayed or invoked transitions (createTestModel accepts it)', () => {
    expect(() => createTestModel(controllerMachine)).not.toThrow();
  });

  it('refuses a doc without the diagram markers', () => {
    expect(() => withCurrentDiagram('# no markers')).toThrow('diagram markers not found');
  });
});
