// The state-machine doc carries the current generated diagram; the diagram covers every state.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import { controllerMachine } from './machine.js';
import { machineToMermaid, withCurrentDiagram } from './diagram.js';
import { machineInventory } from '../../test/support/machine-model.js';

describe('state diagram', () => {
  const doc = readFileSync(new URL('../../docs/state-machine.md', import.meta.url), 'utf8');

  it('docs/state-machine.md contains the diagram generated from the current machine', () => {
    expect(doc).toContain(`\`\`\`mermaid\n${machineToMermaid()}\n\`\`\``);
    expect(withCurrentDiagram(doc)).toBe(doc);
  });

  it('draws every state and the latched states with RESET as their only way out', () => {
    const diagram = machineToMermaid();
    for (const id of machineInventory().states) {
      const key = id.split('.').at(-1) ?? id;
      expect(diagram).toMatch(new RegExp(`(^|\\s)${key}(\\s|$|:)`, 'm'));
    }
    expect(diagram).toContain('fault --> disconnected: RESET');
    expect(diagram).toContain('emergencyStop --> disconnected: RESET');
    expect(diagram).toContain('anyState --> emergencyStop: ESTOP');
    expect(diagram.split('\n').filter((line) => line.trim().startsWith('fault -->'))).toEqual([
      '  fault --> disconnected: RESET',
    ]);
  });

  it('S13: the core has no delayed or invoked transitions (createTestModel accepts it)', () => {
    expect(() => createTestModel(controllerMachine)).not.toThrow();
  });

  it('refuses a doc without the diagram markers', () => {
    expect(() => withCurrentDiagram('# no markers')).toThrow('diagram markers not found');
  });
});
