#!/usr/bin/env python3
"""
Mutant: an empty selector treated as nil.
Breaks: endpoints/complete

`selector: {}` and no selector are different things: the empty selector matches every pod of the
namespace, while a Service without one gets no controller-made Endpoints at all. This API server
drops empty maps when it stores the object (as a careless protobuf round trip does), so the
Service silently becomes selectorless and never gets an endpoint.
Written in Python on purpose: the protocol is language-agnostic.
Run: npx svcspec conform --adapter "python3 examples/mutants/empty-selector-as-nil.py"
"""
import copy

from _relay import relay

# Services the user gave an empty selector: the mutant still shows it, it just does not keep it.
empty = set()


def key(obj):
    meta = obj.get('metadata') or {}
    return (meta.get('namespace') or 'default', meta.get('name'))


def is_service(request):
    return request.get('op') == 'apply' and (request.get('object') or {}).get('kind') == 'Service'


def on_request(request, ref):
    if request.get('op') == 'init':
        empty.clear()
    if is_service(request) and (request['object'].get('spec') or {}).get('selector') == {}:
        request = copy.deepcopy(request)
        del request['object']['spec']['selector']
    return request


def on_answer(request, answer, ref):
    op = request.get('op')
    if is_service(request) and answer.get('ok'):
        k = key(request['object'])
        if (request['object'].get('spec') or {}).get('selector') == {}:
            empty.add(k)
            answer['object']['spec']['selector'] = {}
        else:
            empty.discard(k)
    elif op == 'delete' and request.get('kind') == 'Service' and answer.get('ok'):
        empty.discard((request.get('namespace') or 'default', request.get('name')))
    elif op == 'observe' and answer.get('ok'):
        for svc in answer['state']['services']:
            if (svc['namespace'], svc['name']) in empty and 'selector' not in svc:
                svc['selector'] = {}
    return answer


if __name__ == '__main__':
    relay(on_request=on_request, on_answer=on_answer)
