import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../model/k8s/objects.ts';
import { ownedAfterWrite } from '../../../model/cluster/service-ownership.ts';

// structured-merge-diff Updater.Update: owned − removed ∪ modified ∪ added, over the fields the
// registry fills after the field manager (docs/fidelity.md F32).
describe('which server-filled Service fields the writer owns', () => {
  const stored: ServiceSpec = { type: 'NodePort', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }] };

  it('a create owns what the request names, nothing the registry fills', () => {
    expect(ownedAfterWrite({ type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }, undefined, [])).toEqual(['ports[80/TCP].nodePort']);
    expect(ownedAfterWrite({ type: 'NodePort', clusterIP: '', ports: [{ port: 80, nodePort: 0 }] }, undefined, [])).toEqual([]);
  });

  it('omitting an owned field gives it up; omitting one never owned changes nothing', () => {
    expect(ownedAfterWrite({ type: 'NodePort', ports: [{ port: 80 }] }, stored, ['ports[80/TCP].nodePort'])).toEqual([]);
    expect(ownedAfterWrite({ type: 'NodePort', ports: [{ port: 80 }] }, stored, [])).toEqual([]);
  });

  it('naming the stored value keeps ownership as it was; naming another value takes the field', () => {
    expect(ownedAfterWrite({ type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }, stored, [])).toEqual([]);
    expect(ownedAfterWrite({ type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }, stored, ['ports[80/TCP].nodePort'])).toEqual(['ports[80/TCP].nodePort']);
    expect(ownedAfterWrite({ type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 80 }] }, stored, [])).toEqual(['clusterIP']);
  });

  it('ports are keyed by port and protocol: another protocol is another field', () => {
    expect(ownedAfterWrite({ type: 'NodePort', ports: [{ port: 80, protocol: 'UDP', nodePort: 30001 }] }, stored, ['ports[80/TCP].nodePort'])).toEqual(['ports[80/UDP].nodePort']);
  });

  it('an owned field the stored object no longer has stays owned (it was not removed)', () => {
    expect(ownedAfterWrite({ type: 'ClusterIP', ports: [{ port: 80 }] }, { ...stored, type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] }, ['ports[80/TCP].nodePort'])).toEqual(['ports[80/TCP].nodePort']);
  });
});
