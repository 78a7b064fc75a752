#!/usr/bin/env -S npx tsx
/**
 * Mutant: an empty selector read as "every pod".
 * Breaks: endpoints/selectorless-left-alone
 *
 * Upstream, `selector: {}` is dropped when the Service is stored (omitempty,
 * kubernetes/kubernetes#25836) and the endpoints controller skips a Service without a selector:
 * its Endpoints are the user's. This implementation's API shows the Service as selectorless, but
 * its controller still holds the `{}` it was given and, evaluating it as a label selector
 * (labels.SelectorFromSet({}) is Everything), lists every pod of the namespace in the Endpoints,
 * overwriting whatever the user wrote there.
 * Run: npx svcspec conform --adapter "npx tsx examples/mutants/empty-selector-selects-all.ts"
 */
import { seededChooser } from '../../model/index.ts';
import { begin, commit } from '../../model/cluster/draft.ts';
import { markEndpoints } from '../../model/cluster/pending.ts';
import { indexService } from '../../model/cluster/selection.ts';
import { drain, reconcileTouched } from '../../model/cluster/timing.ts';
import { serveStdio } from '../../conformance/serve-loop.ts';

type Obj = Record<string, any>;

await serveStdio({
  step(state, op, next) {
    const out = next(state, op);
    if (op.op === 'observe' && out.result.ok) {
      // Its API drops the empty map on the way out, as upstream serialisation does.
      const obs = (out.result as Obj).state as Obj;
      const services = obs.services.map(({ selector, ...s }: Obj) => (selector && Object.keys(selector).length === 0 ? s : { ...s, selector }));
      return { ...out, result: { ...out.result, state: { ...obs, services } } as typeof out.result };
    }
    const manifest = op.op === 'apply' ? (op.object as Obj) : undefined;
    const selector = manifest?.kind === 'Service' ? manifest.spec?.selector : undefined;
    if (!out.result.ok || !selector || typeof selector !== 'object' || Object.keys(selector).length > 0) return out;
    // The stored record keeps the empty map the model's defaulting dropped; the controller then manages it.
    const ns = manifest!.metadata?.namespace ?? 'default';
    const key = `${ns}/${manifest!.metadata?.name}`;
    const d = begin(out.state, seededChooser);
    const rec = d.services.get(key);
    if (!rec) return out;
    d.services = d.services.set(key, { ...rec, object: { ...rec.object, spec: { ...rec.object.spec, selector: {} } } });
    indexService(d, ns, key, {});
    markEndpoints(d, key);
    if (d.config.timing === 'sync') drain(d);
    else reconcileTouched(d);
    return { ...out, state: commit(d) };
  },
});
