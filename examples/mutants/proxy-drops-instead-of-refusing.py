#!/usr/bin/env python3
"""
Mutant: a proxy that drops instead of refusing.
Breaks: traffic/refused-without-endpoints

When a Service has no usable endpoint, kube-proxy installs a REJECT rule so clients get
"connection refused" at once. This proxy has no such rule: the packet to the ClusterIP is
dropped, and clients hang until their connect timeout (the behaviour of kube-proxy's IPVS mode
before it learnt to reject).
Written in Python on purpose: the protocol is language-agnostic.
Run: npx svcspec conform --adapter "python3 examples/mutants/proxy-drops-instead-of-refusing.py"
"""
from _relay import relay


def no_endpoints(state, request):
    """Whether the client's node has programmed the target Service port with no endpoint."""
    frm, to = request['from'], request['to']
    if 'pod' not in frm:
        return False
    ns = frm.get('namespace', 'default')
    client = next((p for p in state['pods'] if p['namespace'] == ns and p['name'] == frm['pod']), None)
    if client is None:
        return False
    if 'ip' in to:
        svc = next((s for s in state['services'] if s['clusterIP'] == to['ip']), None)
        port = to['port']
    elif 'service' in to:
        svc_ns = to.get('namespace', ns)
        svc = next((s for s in state['services'] if s['namespace'] == svc_ns and s['name'] == to['service']), None)
        port = to['port']
        if svc is not None and isinstance(port, str):
            port = next((p['port'] for p in svc['ports'] if p.get('name') == port), None)
    else:
        return False
    if svc is None:
        return False
    for proxy in state['proxies']:
        if proxy['node'] != client['node']:
            continue
        for entry in proxy['services']:
            if (entry['namespace'], entry['name'], entry['port']) == (svc['namespace'], svc['name'], port):
                return not entry['endpoints']
    return False


def on_answer(request, answer, ref):
    if request.get('op') != 'connect' or answer.get('ok') or answer.get('error') != 'refused':
        return answer
    state = ref.call({'op': 'observe'})['state']
    if no_endpoints(state, request):
        return dict(answer, error='timeout')
    return answer


if __name__ == '__main__':
    relay(on_answer=on_answer)
