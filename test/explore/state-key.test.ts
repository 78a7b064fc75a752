/**
 * The canonical state text is a function of the state alone: not of which states were keyed
 * before. (A Service object is both a service record's object and, once a proxy has programmed
 * it, the proxy's copy; the two texts of it must not share one memo.)
 */
import { describe, expect, it } from 'vitest';
import { initialState, step, type ClusterState, type Operation } from '../../model/index.ts';
import { stateText } from '../../properties/explore/state-key.ts';

const web = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };
const settled = (): ClusterState => {
  let s = initialState({ nodes: ['node-1'], timing: 'async' });
  for (const op of [{ op: 'apply', object: web }, { op: 'settle' }] as unknown as Operation[]) s = step(s, op).state;
  return s;
};

describe('stateText', () => {
  it('gives a state the same text whether or not a successor sharing its objects was keyed first', () => {
    const fresh = stateText(settled());
    const x = settled();
    // The Service is deleted; the proxy has not synced, so it still holds the very same object.
    const y = step(x, { op: 'delete', kind: 'Service', namespace: 'default', name: 'web' } as Operation).state;
    expect(y.services.get('default/web')).toBeUndefined();
    expect(y.proxies.values().some((p) => p.services.get('default/web')?.service === x.services.get('default/web')!.object)).toBe(true);
    stateText(y);
    expect(stateText(x)).toBe(fresh);
  });
});
