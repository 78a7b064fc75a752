#!/usr/bin/env python3
"""
Mutant: a selector that ignores namespaces.
Breaks: endpoints/selected-pods-only

A Service selects pods by label *in its own namespace*. This endpoints controller lists pods by
label across the whole cluster, so `app=web` in namespace `other` picks up the `app=web` pods of
`default` too — a classic multi-tenancy leak (a team's Service exposing another team's pods).
Written in Python on purpose: the protocol is language-agnostic.
Run: npx svcspec conform --adapter "python3 examples/mutants/selector-ignores-namespace.py"
"""
from _relay import relay


def selects(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


def on_answer(request, answer, ref):
    if request.get('op') != 'observe' or not answer.get('ok'):
        return answer
    state = answer['state']
    endpoints = {(e['namespace'], e['name']): e for e in state['endpoints']}
    for svc in state['services']:
        selector = svc.get('selector')
        ep = endpoints.get((svc['namespace'], svc['name']))
        if selector is None or svc['type'] == 'ExternalName' or ep is None:
            continue
        ports = ep['subsets'][0]['ports'] if ep['subsets'] else [
            dict({'name': p['name']} if 'name' in p else {}, port=p['targetPort'], protocol=p['protocol'])
            for p in svc['ports'] if isinstance(p['targetPort'], int)]
        if not ports:
            continue
        for pod in state['pods']:
            if pod['namespace'] == svc['namespace'] or not pod['ip'] or pod['terminating']:
                continue
            if pod['phase'] in ('Succeeded', 'Failed') or not selects(selector, pod['labels']):
                continue
            if not ep['subsets']:
                ep['subsets'].append({'addresses': [], 'notReadyAddresses': [], 'ports': ports})
            address = {'ip': pod['ip'], 'pod': {'namespace': pod['namespace'], 'name': pod['name']}}
            ep['subsets'][0]['addresses' if pod['ready'] else 'notReadyAddresses'].append(address)
    return answer


if __name__ == '__main__':
    relay(on_answer=on_answer)
