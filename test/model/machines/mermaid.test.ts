import { describe, expect, it } from 'vitest';
import {
  endpointMembershipMachine,
  ingressAddressMachine,
  podLifecycleMachine,
  readinessProbeMachine,
  serviceMachine,
  toMermaid,
} from '../../../model/machines/index.ts';

describe('toMermaid', () => {
  it('renders nested states, guards, actions, exit actions and final states of the Service machine', () => {
    const lines = toMermaid(serviceMachine).split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('  [*] --> service_new');
    expect(lines).toContain('  state "loadBalancer" as service_loadBalancer {');
    expect(lines).toContain('    [*] --> service_loadBalancer_pending');
    expect(lines).toContain(
      '    service_loadBalancer_pending --> service_loadBalancer_provisioned : CLOUD_SYNC [cloudOwnsIt] / assignLoadBalancerAddress',
    );
    expect(lines).toContain('  service_loadBalancer : exit / clearLoadBalancerStatus');
    expect(lines).toContain('  service_new --> service_loadBalancer : always [isType(LoadBalancer)]');
    expect(lines).toContain('  service_nodePort --> service_deleted : DELETE / releaseAllocations');
    expect(lines).toContain('  service_deleted --> [*]');
  });

  it('draws targetless transitions as self-loops and labels fallbacks [else]', () => {
    const lines = toMermaid(podLifecycleMachine).split('\n');
    expect(lines).toContain('  podLifecycle_Running --> podLifecycle_Running : CONTAINER_EXITED [shouldRestart] / restartContainer');
    expect(lines).toContain('  podLifecycle_Running --> podLifecycle_Running : CONTAINER_EXITED [else] / containerTerminated');
    expect(lines).toContain('  podLifecycle_Running --> podLifecycle_Succeeded : ALL_TERMINATED [else]');
  });

  it('mentions every state of every machine', () => {
    for (const m of [podLifecycleMachine, readinessProbeMachine, serviceMachine, endpointMembershipMachine, ingressAddressMachine]) {
      const text = toMermaid(m);
      for (const node of m.root.states ? Object.values(m.root.states) : []) expect(text).toContain(`as ${node.id.replace(/\./g, '_')}`);
    }
  });
});
