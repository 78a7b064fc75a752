"""A toy data plane (a kube-proxy replacement) that passes `svcspec conform --scope dataplane`.

    npx svcspec conform --adapter "python3 examples/adapters/python/dataplane.py" --scope dataplane

It runs no kubelet and no controllers: it stores Pods (applied with their status, as under KWOK),
Services and Endpoints as the API would, programs every node's proxy from the Endpoints, and
answers `connect` and `ping` as kube-proxy's iptables rules would (docs/contract.md section 2).
Its SUPPORTS tells the runner to send nothing else. Python 3 standard library only.
"""
import ipaddress
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adapter import TrafficError, ApiError, bad_request, invalid, not_found, serve  # noqa: E402

EXTERNAL_CLIENT = '198.51.100.1'  # docs/contract.md section 1: external clients' default address
AFFINITY_TIMEOUT = 10800  # sessionAffinityConfig.clientIP.timeoutSeconds' default


def nth(cidr, n):
    return str(ipaddress.ip_network(cidr, strict=False).network_address + n)


def key(namespace, name):
    return (namespace or 'default', name)


class Dataplane:
    SUPPORTS = {'operations': ['apply', 'delete', 'advance', 'connect', 'ping'], 'kinds': ['Pod', 'Service', 'Endpoints']}

    def __init__(self, cluster):
        names = cluster.get('nodes') or ['node-1', 'node-2']
        node_cidr = cluster.get('nodeCIDR', '192.168.0.0/24')
        self.nodes = {n: nth(node_cidr, 10 + i) for i, n in enumerate(names)}
        self.service_cidr = ipaddress.ip_network(cluster.get('serviceCIDR', '10.96.0.0/12'), strict=False)
        self.time = 0
        self.uid = 0
        self.pods = {}        # (ns, name) -> {'object', 'deleted_at'}
        self.services = {}    # (ns, name) -> the stored spec and metadata
        self.endpoints = {}   # (ns, name) -> subsets as written
        self.affinity = {}    # (node, ns, name, port, protocol, client ip) -> ((ip, port), time)
        dns_ip = cluster.get('dnsServiceIP', nth(self.service_cidr, 10))
        # What a kubeadm cluster starts with (docs/contract.md section 1).
        self.store_service('default', 'kubernetes', {'ports': [{'name': 'https', 'port': 443, 'targetPort': 6443}], 'clusterIP': nth(self.service_cidr, 1)})
        self.store_service('kube-system', 'kube-dns', {'selector': {'k8s-app': 'kube-dns'}, 'clusterIP': dns_ip, 'ports': [
            {'name': 'dns', 'port': 53, 'protocol': 'UDP', 'targetPort': 53}, {'name': 'dns-tcp', 'port': 53, 'protocol': 'TCP', 'targetPort': 53}]})
        self.endpoints[('default', 'kubernetes')] = [{'addresses': [{'ip': self.nodes[names[0]]}], 'ports': [{'name': 'https', 'port': 6443, 'protocol': 'TCP'}]}]
        self.endpoints[('kube-system', 'kube-dns')] = []

    # --- the API: apply and delete -------------------------------------------------------------

    def op_apply(self, request):
        obj = request['object']
        meta = obj.get('metadata') or {}
        ns, name = meta.get('namespace') or 'default', meta.get('name')
        if obj.get('kind') == 'Service':
            return {'object': self.store_service(ns, name, obj.get('spec') or {})}
        if obj.get('kind') == 'Endpoints':
            self.endpoints[(ns, name)] = obj.get('subsets') or []
            return {'object': {**obj, 'metadata': {**meta, 'namespace': ns}}}
        if obj.get('kind') == 'Pod':
            if 'status' not in obj:
                raise bad_request(f'pod {name} has no status: this data plane runs no kubelet (apply pods with their status)')
            old = self.pods.get((ns, name))
            if old and old['object']['spec'] != obj.get('spec'):
                raise ApiError('Invalid', f'The Pod "{name}" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, ...')
            self.pods[(ns, name)] = {'object': {**obj, 'metadata': {**meta, 'namespace': ns}}, 'deleted_at': old and old['deleted_at']}
            return {'object': self.pods[(ns, name)]['object']}
        raise bad_request(f'kind {obj.get("kind")} is not supported')

    def store_service(self, ns, name, spec):
        old = self.services.get((ns, name))
        wanted = spec.get('clusterIP')
        if old and wanted and wanted != old['clusterIP']:
            raise invalid('Service', name, f'spec.clusterIPs[0]: Invalid value: "{wanted}": may not change once set')
        cluster_ip = old['clusterIP'] if old else wanted or self.allocate_cluster_ip()
        external_ips = spec.get('externalIPs') or []
        stored = {
            'namespace': ns, 'name': name,
            'type': spec.get('type', 'ClusterIP'),
            'clusterIP': cluster_ip,
            'ports': [{**p, 'protocol': p.get('protocol', 'TCP'), 'targetPort': p.get('targetPort', p['port'])} for p in spec.get('ports') or []],
            'sessionAffinity': spec.get('sessionAffinity', 'None'),
            'affinityTimeout': ((spec.get('sessionAffinityConfig') or {}).get('clientIP') or {}).get('timeoutSeconds', AFFINITY_TIMEOUT),
            # The API server defaults it for every Service with an external address, externalIPs included.
            'externalTrafficPolicy': spec.get('externalTrafficPolicy') or ('Cluster' if external_ips or spec.get('type') in ('NodePort', 'LoadBalancer') else ''),
            'internalTrafficPolicy': spec.get('internalTrafficPolicy', 'Cluster'),
            'externalIPs': external_ips,
            'publishNotReadyAddresses': spec.get('publishNotReadyAddresses', False),
        }
        if spec.get('selector'):
            stored['selector'] = spec['selector']
        self.services[(ns, name)] = stored
        self.uid += 1
        return {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'namespace': ns, 'name': name, 'uid': f'svc-{self.uid}'},
                'spec': {k: stored[k] for k in ('type', 'clusterIP', 'ports', 'sessionAffinity', 'externalTrafficPolicy', 'publishNotReadyAddresses')}
                | ({'selector': stored['selector']} if 'selector' in stored else {})}

    def allocate_cluster_ip(self):
        # Dynamic addresses come from the upper band; the lower one, its first min(max(16, size/16), 256)
        # addresses counted from the one after the network address, is kept for requested IPs (KEP-3070).
        size = self.service_cidr.num_addresses
        used = {s['clusterIP'] for s in self.services.values()}
        for n in range(1 + min(max(16, size // 16), 256), size - 1):
            ip = str(self.service_cidr.network_address + n)
            if ip not in used:
                return ip
        raise ApiError('InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full')

    def op_delete(self, request):
        ns, name, kind = request.get('namespace') or 'default', request['name'], request['kind']
        if kind == 'Service':
            if (ns, name) not in self.services:
                raise not_found('services', name)
            del self.services[(ns, name)]
            self.endpoints.pop((ns, name), None)  # its Endpoints go with it, whoever wrote them
        elif kind == 'Endpoints':
            if self.endpoints.pop((ns, name), None) is None:
                raise not_found('endpoints', name)
        elif kind == 'Pod':
            pod = self.pods.get((ns, name))
            if pod is None:
                raise not_found('pods', name)
            spec, status = pod['object']['spec'], pod['object']['status']
            grace = spec.get('terminationGracePeriodSeconds', 30)
            if not spec.get('nodeName') or status.get('phase') in ('Succeeded', 'Failed') or grace == 0:
                del self.pods[(ns, name)]
            elif pod['deleted_at'] is None:
                pod['deleted_at'] = self.time
        else:
            raise bad_request(f'kind {kind} is not supported')

    def op_advance(self, request):
        self.time += request['seconds']
        for k, pod in list(self.pods.items()):
            grace = pod['object']['spec'].get('terminationGracePeriodSeconds', 30)
            if pod['deleted_at'] is not None and pod['deleted_at'] + grace <= self.time:
                del self.pods[k]

    # --- the data plane ------------------------------------------------------------------------

    def pod_ip(self, pod):
        return (pod['object'].get('status') or {}).get('podIP', '')

    def phase(self, pod):
        return (pod['object'].get('status') or {}).get('phase', 'Pending')

    def entries(self, ns, name):
        """The Endpoints as the proxies read them: (ip, ready, pod key or None, node, {port name: port})."""
        out = []
        for subset in self.endpoints.get((ns, name)) or []:
            ports = {p.get('name', ''): p['port'] for p in subset.get('ports') or []}
            for ready, field in ((True, 'addresses'), (False, 'notReadyAddresses')):
                for a in subset.get(field) or []:
                    ref = a.get('targetRef') or {}
                    pod = key(ref.get('namespace') or ns, ref['name']) if ref.get('kind') == 'Pod' and ref.get('name') else None
                    out.append({'ip': a['ip'], 'ready': ready, 'pod': pod, 'node': a.get('nodeName'), 'ports': ports})
        return out

    def usable(self, svc, port, node=None):
        """Ready endpoints that carry the Service port's name (user Endpoints are never terminating)."""
        name = port.get('name', '')
        return [(e, e['ports'][name]) for e in self.entries(svc['namespace'], svc['name'])
                if e['ready'] and name in e['ports'] and (node is None or e['node'] == node)]

    def client(self, frm):
        if frm.get('external'):
            return {'ip': frm.get('ip', EXTERNAL_CLIENT), 'node': None, 'external': True}
        pod = self.pods.get(key(frm.get('namespace'), frm['pod']))
        if pod is None:
            raise not_found('pods', frm['pod'])
        return {'ip': self.pod_ip(pod), 'node': pod['object']['spec'].get('nodeName') or None, 'external': False}

    def cluster_ips(self):
        return {s['clusterIP']: s for s in self.services.values() if s['clusterIP'] not in ('', 'None')}

    def live_pod_ips(self):
        return {self.pod_ip(p): p for p in self.pods.values() if self.pod_ip(p) and self.phase(p) not in ('Succeeded', 'Failed')}

    def op_connect(self, request):
        client = self.client(request['from'])
        to = request['to']
        protocol = to.get('protocol', 'TCP')
        if 'service' in to:
            ns = to.get('namespace') or (None if client['external'] else request['from'].get('namespace'))
            svc = self.services.get(key(ns, to['service']))
            if svc is None:
                raise not_found('services', to['service'])
            if isinstance(to['port'], str):
                named = [p for p in svc['ports'] if p.get('name') == to['port']]
                if not named:
                    raise TrafficError('timeout')
                port = named[0]['port']
            else:
                port = to['port']
            if svc['clusterIP'] in ('', 'None'):
                raise TrafficError('unreachable')
            ip = svc['clusterIP']
        elif 'node' in to:
            if to['node'] not in self.nodes:
                raise not_found('nodes', to['node'])
            ip, port = self.nodes[to['node']], to['port']
        else:
            ip, port = to['ip'], to['port']
        svc = self.cluster_ips().get(ip)
        if svc is not None:  # the internal path: the client node's proxy DNATs the ClusterIP
            if client['external'] or not client['node']:
                raise TrafficError('unreachable')
            sp = self.service_port(svc, port, protocol)
            if sp is None:
                raise TrafficError('timeout')  # no rule for this (IP, port): nothing translates it
            return self.forward(client['node'], svc, sp, client, external=False)
        if any(ip in s['externalIPs'] for s in self.services.values()):
            done = self.to_external_ip(ip, port, protocol, client)
            if done is not None:
                return done
        if ip in self.nodes.values():
            raise TrafficError('refused')  # no nodePorts here: nothing listens on the node's port
        pod = self.live_pod_ips().get(ip)
        if pod is not None:
            if self.phase(pod) != 'Running':
                raise TrafficError('refused')
            meta = pod['object']['metadata']
            return {'ip': ip, 'port': port, 'sourceIP': client['ip'], 'pod': {'namespace': meta['namespace'], 'name': meta['name']}}
        raise TrafficError('unreachable')

    def service_port(self, svc, port, protocol):
        return next((p for p in svc['ports'] if p['port'] == port and p['protocol'] == protocol), None)

    def to_external_ip(self, ip, port, protocol, client):
        """An externalIP is an external destination: a pod's own node captures it, an outside client lands on a node."""
        def owner():
            return next((s for _, s in sorted(self.services.items()) if ip in s['externalIPs'] and self.service_port(s, port, protocol)), None)
        svc = owner()
        if svc is None:
            return None
        node = client['node'] if not client['external'] and client['node'] else sorted(self.nodes)[0]
        return self.forward(node, svc, self.service_port(svc, port, protocol), {**client, 'external': client['external'] or not client['node']}, external=True)

    def forward(self, node, svc, sp, client, external):
        """Picks an endpoint on `node`'s proxy and connects to it (kube-proxy's iptables rules)."""
        if external:
            local = svc['externalTrafficPolicy'] == 'Local'
            node_local, masquerade = local and not (not client['external'] and client['node'] == node), not local
        else:
            node_local, masquerade = svc['internalTrafficPolicy'] == 'Local', False
        everywhere = self.usable(svc, sp)
        candidates = self.usable(svc, sp, node) if node_local else everywhere
        if not candidates:
            # No endpoint at all: REJECT. Endpoints elsewhere but none here under a Local policy: DROP.
            raise TrafficError('refused' if not everywhere else 'timeout')
        chosen = candidates[0]  # any usable endpoint is allowed; the runner adopts the pick
        sticky = (node, svc['namespace'], svc['name'], sp['port'], sp['protocol'], client['ip'])
        if svc['sessionAffinity'] == 'ClientIP' and sticky in self.affinity:
            (was, at) = self.affinity[sticky]
            again = [c for c in candidates if (c[0]['ip'], c[1]) == was]
            if again and self.time - at < svc['affinityTimeout']:
                chosen = again[0]
        entry, port = chosen
        if entry['pod'] is not None:
            pod = self.pods.get(entry['pod'])
            if pod is None or self.phase(pod) != 'Running':
                raise TrafficError('refused')
        if svc['sessionAffinity'] == 'ClientIP':
            self.affinity[sticky] = ((entry['ip'], port), self.time)
        hairpin = entry['ip'] == client['ip']
        source = self.nodes[node] if (masquerade or hairpin) and node else client['ip']
        out = {'ip': entry['ip'], 'port': port, 'sourceIP': source}
        if entry['pod'] is not None:
            out['pod'] = {'namespace': entry['pod'][0], 'name': entry['pod'][1]}
        return out

    def op_ping(self, request):
        self.client(request['from'])
        ip = request['ip']
        if ip in self.cluster_ips():
            return {'reply': False}  # a ClusterIP is virtual: nothing answers ICMP
        pod = self.live_pod_ips().get(ip)
        if pod is not None:
            return {'reply': self.phase(pod) == 'Running'}
        return {'reply': ip in self.nodes.values()}

    def op_settle(self, _request):
        """Everything happens within the operation here, so there is never anything to wait for."""

    # --- what it reports ---------------------------------------------------------------------

    def observe(self):
        services = [self.service_view(s) for _, s in sorted(self.services.items())]
        return {
            'time': self.time,
            'nodes': [{'name': n, 'ip': ip} for n, ip in sorted(self.nodes.items())],
            'pods': [self.pod_view(p) for _, p in sorted(self.pods.items())],
            'services': services,
            'endpoints': [self.endpoints_view(ns, name, subsets) for (ns, name), subsets in sorted(self.endpoints.items())],
            'ingresses': [],
            'proxies': [{'node': n, 'services': [
                {'namespace': s['namespace'], 'name': s['name'], 'port': p['port'], 'protocol': p['protocol'],
                 'endpoints': [{'ip': e['ip'], 'port': port} for e, port in self.usable(s, p)]}
                for _, s in sorted(self.services.items()) for p in s['ports']]} for n in sorted(self.nodes)],
        }

    def pod_view(self, pod):
        obj = pod['object']
        meta, spec, status = obj['metadata'], obj['spec'], obj.get('status') or {}
        statuses = {c['name']: c for c in status.get('containerStatuses') or []}
        return {
            'namespace': meta['namespace'], 'name': meta['name'], 'uid': f'pod-{meta["namespace"]}-{meta["name"]}',
            'labels': meta.get('labels') or {}, 'node': spec.get('nodeName', ''), 'ip': status.get('podIP', ''),
            'phase': status.get('phase', 'Pending'),
            'ready': any(c.get('type') == 'Ready' and c.get('status') == 'True' for c in status.get('conditions') or []),
            'terminating': pod['deleted_at'] is not None,
            'containers': [{'name': c['name'], 'ready': statuses.get(c['name'], {}).get('ready', False),
                            'restartCount': statuses.get(c['name'], {}).get('restartCount', 0)} for c in spec['containers']],
        }

    def service_view(self, s):
        view = {k: s[k] for k in ('namespace', 'name', 'type', 'clusterIP', 'sessionAffinity', 'externalTrafficPolicy', 'publishNotReadyAddresses')}
        view.update(uid=f'svc-{s["namespace"]}-{s["name"]}', loadBalancerIngress=[],
                    ports=[{k: p[k] for k in ('name', 'port', 'targetPort', 'protocol') if k in p} for p in s['ports']])
        if 'selector' in s:
            view['selector'] = s['selector']
        # Optional fields (docs/adapter.md section 1): reported, the traffic-policy rules judge them too.
        view['internalTrafficPolicy'] = s['internalTrafficPolicy']
        if s['externalIPs']:
            view['externalIPs'] = s['externalIPs']
        return view

    def endpoints_view(self, ns, name, subsets):
        def address(a):
            ref = a.get('targetRef') or {}
            v = {'ip': a['ip']}
            if ref.get('kind') == 'Pod' and ref.get('name'):
                v['pod'] = {'namespace': ref.get('namespace', ''), 'name': ref['name']}
            if a.get('hostname'):
                v['hostname'] = a['hostname']
            return v
        return {'namespace': ns, 'name': name, 'subsets': [{
            'addresses': [address(a) for a in s.get('addresses') or []],
            'notReadyAddresses': [address(a) for a in s.get('notReadyAddresses') or []],
            'ports': [{'port': p['port'], 'protocol': p.get('protocol', 'TCP'), **({'name': p['name']} if p.get('name') else {})} for p in s.get('ports') or []],
        } for s in subsets]}


if __name__ == '__main__':
    serve(Dataplane)
