package main

// The observation (docs/contract.md section 3, spec/schema/observation.schema.json), read from
// the API server: what the objects show, never the controllers' internals.

import (
	"context"
	"net"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/tools/record"
	"k8s.io/kubernetes/pkg/controller/endpoint"
	"k8s.io/kubernetes/pkg/kubelet/network/dns"
)

type obj = map[string]any

func sortByNsName(list []obj) {
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a["namespace"] != b["namespace"] {
			return a["namespace"].(string) < b["namespace"].(string)
		}
		return a["name"].(string) < b["name"].(string)
	})
}

func (a *adapter) observe(ctx context.Context) (obj, error) {
	c := a.client
	all := metav1.ListOptions{}
	nodes, err := c.CoreV1().Nodes().List(ctx, all)
	if err != nil {
		return nil, err
	}
	pods, err := c.CoreV1().Pods("").List(ctx, all)
	if err != nil {
		return nil, err
	}
	services, err := c.CoreV1().Services("").List(ctx, all)
	if err != nil {
		return nil, err
	}
	endpoints, err := c.CoreV1().Endpoints("").List(ctx, all)
	if err != nil {
		return nil, err
	}
	rcs, err := c.CoreV1().ReplicationControllers("").List(ctx, all)
	if err != nil {
		return nil, err
	}
	nodeViews := []obj{}
	for _, n := range nodes.Items {
		ip := ""
		for _, ad := range n.Status.Addresses {
			if ad.Type == v1.NodeInternalIP {
				ip = ad.Address
				break
			}
		}
		nodeViews = append(nodeViews, obj{"name": n.Name, "ip": ip})
	}
	sort.Slice(nodeViews, func(i, j int) bool { return nodeViews[i]["name"].(string) < nodeViews[j]["name"].(string) })
	podViews := []obj{}
	for i := range pods.Items {
		podViews = append(podViews, a.podView(&pods.Items[i]))
	}
	sortByNsName(podViews)
	svcViews := []obj{}
	for i := range services.Items {
		svcViews = append(svcViews, a.serviceView(&services.Items[i]))
	}
	sortByNsName(svcViews)
	managed := map[string]bool{}
	for _, s := range services.Items {
		managed[s.Namespace+"/"+s.Name] = len(s.Spec.Selector) > 0 && s.Spec.Type != v1.ServiceTypeExternalName
	}
	epViews := []obj{}
	for i := range endpoints.Items {
		e := &endpoints.Items[i]
		epViews = append(epViews, endpointsView(e, managed[e.Namespace+"/"+e.Name]))
	}
	sortByNsName(epViews)
	rcViews := []obj{}
	for _, rc := range rcs.Items {
		replicas := int32(1)
		if rc.Spec.Replicas != nil {
			replicas = *rc.Spec.Replicas
		}
		sel := obj{}
		for k, v := range rc.Spec.Selector {
			sel[k] = v
		}
		rcViews = append(rcViews, obj{"namespace": rc.Namespace, "name": rc.Name, "replicas": replicas, "selector": sel})
	}
	sortByNsName(rcViews)
	return obj{
		"time": a.time, "nodes": nodeViews, "pods": podViews, "services": svcViews, "endpoints": epViews,
		"ingresses": []obj{}, "proxies": []obj{}, "replicationControllers": rcViews,
	}, nil
}

func (a *adapter) podView(p *v1.Pod) obj {
	ready := false
	for _, c := range p.Status.Conditions {
		if c.Type == v1.PodReady && c.Status == v1.ConditionTrue {
			ready = true
		}
	}
	labels := obj{}
	for k, v := range p.Labels {
		labels[k] = v
	}
	key := p.Namespace + "/" + p.Name
	started := a.kubelet.startedInfo(key)
	if started != nil && started.uid != p.UID {
		started = nil
	}
	containers := []obj{}
	for _, c := range p.Spec.Containers {
		cv := obj{"name": c.Name, "ready": false, "restartCount": 0}
		for _, s := range p.Status.ContainerStatuses {
			if s.Name == c.Name {
				cv["ready"], cv["restartCount"] = s.Ready, s.RestartCount
			}
		}
		if len(c.Ports) > 0 {
			ports := []obj{}
			for _, cp := range c.Ports {
				pv := obj{"containerPort": cp.ContainerPort, "protocol": string(cp.Protocol)}
				if cp.Name != "" {
					pv["name"] = cp.Name
				}
				ports = append(ports, pv)
			}
			cv["ports"] = ports
		}
		if len(c.Env) > 0 {
			seen, names := map[string]bool{}, []string{}
			for _, e := range c.Env {
				if !seen[e.Name] {
					seen[e.Name] = true
					names = append(names, e.Name)
				}
			}
			cv["envNames"] = names
		}
		if started != nil {
			cv["startedAt"] = started.startedAt
		}
		if pr := c.ReadinessProbe; pr != nil {
			handler := ""
			switch {
			case pr.Exec != nil:
				handler = "exec"
			case pr.TCPSocket != nil:
				handler = "tcpSocket"
			case pr.HTTPGet != nil:
				handler = "httpGet"
			case pr.GRPC != nil:
				handler = "grpc"
			}
			if handler != "" {
				cv["probe"] = obj{"handler": handler, "initialDelaySeconds": pr.InitialDelaySeconds, "periodSeconds": pr.PeriodSeconds,
					"successThreshold": pr.SuccessThreshold, "failureThreshold": pr.FailureThreshold}
			}
		}
		containers = append(containers, cv)
	}
	v := obj{
		"namespace": p.Namespace, "name": p.Name, "uid": string(p.UID), "labels": labels, "node": p.Spec.NodeName,
		"ip": p.Status.PodIP, "phase": string(p.Status.Phase), "ready": ready, "terminating": p.DeletionTimestamp != nil,
		"containers": containers,
	}
	if p.Spec.HostNetwork {
		v["hostNetwork"] = true
	}
	if !a.kubelet.isManaged(key) {
		v["dns"] = a.dnsView(context.Background(), p)
	}
	for _, o := range p.OwnerReferences {
		if o.Controller != nil && *o.Controller {
			v["controller"] = obj{"kind": o.Kind, "name": o.Name}
		}
	}
	return v
}

// dnsView is the resolv.conf the kubelet writes for the pod, from the kubelet's own DNS configurer
// (pkg/kubelet/network/dns), the node's own resolv.conf empty as in the model.
func (a *adapter) dnsView(ctx context.Context, p *v1.Pod) obj {
	policy := string(p.Spec.DNSPolicy)
	if policy == "" {
		policy = string(v1.DNSClusterFirst)
	}
	configurer := dns.NewConfigurer(record.NewFakeRecorder(16), &v1.ObjectReference{Kind: "Node", Name: p.Spec.NodeName},
		nil, []net.IP{net.ParseIP(a.cfg.dnsServiceIP)}, a.cfg.clusterDomain, a.hostResolvConf)
	v := obj{"policy": policy, "nameservers": []string{}, "searches": []string{}, "ndots": 1}
	if conf, err := configurer.GetPodDNS(ctx, p); err == nil {
		v["nameservers"], v["searches"] = nonNil(conf.Servers), nonNil(conf.Searches)
		for _, o := range conf.Options {
			if n, ok := strings.CutPrefix(o, "ndots:"); ok {
				v["ndots"] = min(atoi(n), 15) // the resolver reads at most 15 (resolv.conf(5))
			}
		}
	}
	if p.Spec.DNSConfig != nil {
		v["dnsConfig"] = true
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (a *adapter) serviceView(s *v1.Service) obj {
	ports := []obj{}
	for _, p := range s.Spec.Ports {
		var target any = p.TargetPort.IntValue()
		if p.TargetPort.Type == intstr.String {
			target = p.TargetPort.StrVal
		}
		pv := obj{"port": p.Port, "targetPort": target, "protocol": string(p.Protocol)}
		if p.Name != "" {
			pv["name"] = p.Name
		}
		if p.NodePort != 0 {
			pv["nodePort"] = p.NodePort
		}
		ports = append(ports, pv)
	}
	ingress := []obj{}
	for _, i := range s.Status.LoadBalancer.Ingress {
		iv := obj{}
		if i.IP != "" {
			iv["ip"] = i.IP
		}
		if i.Hostname != "" {
			iv["hostname"] = i.Hostname
		}
		ingress = append(ingress, iv)
	}
	v := obj{
		"namespace": s.Namespace, "name": s.Name, "uid": string(s.UID), "type": string(s.Spec.Type), "clusterIP": s.Spec.ClusterIP,
		"ports": ports, "sessionAffinity": string(s.Spec.SessionAffinity), "externalTrafficPolicy": string(s.Spec.ExternalTrafficPolicy),
		"publishNotReadyAddresses": s.Spec.PublishNotReadyAddresses, "loadBalancerIngress": ingress,
		"created": a.createdAt(s),
	}
	if s.Spec.Selector != nil {
		sel := obj{}
		for k, x := range s.Spec.Selector {
			sel[k] = x
		}
		v["selector"] = sel
	}
	if s.Spec.HealthCheckNodePort != 0 {
		v["healthCheckNodePort"] = s.Spec.HealthCheckNodePort
	}
	if s.Spec.ExternalName != "" {
		v["externalName"] = s.Spec.ExternalName
	}
	if s.Spec.Type == v1.ServiceTypeLoadBalancer {
		v["allocateLoadBalancerNodePorts"] = s.Spec.AllocateLoadBalancerNodePorts == nil || *s.Spec.AllocateLoadBalancerNodePorts
	}
	if s.Spec.LoadBalancerClass != nil {
		v["loadBalancerClass"] = *s.Spec.LoadBalancerClass
	}
	if s.Spec.InternalTrafficPolicy != nil {
		v["internalTrafficPolicy"] = string(*s.Spec.InternalTrafficPolicy)
	}
	if len(s.Spec.ExternalIPs) > 0 {
		v["externalIPs"] = s.Spec.ExternalIPs
	}
	if len(s.Spec.LoadBalancerSourceRanges) > 0 {
		v["loadBalancerSourceRanges"] = s.Spec.LoadBalancerSourceRanges
	}
	return v
}

func addressView(ad v1.EndpointAddress) obj {
	v := obj{"ip": ad.IP}
	if ad.TargetRef != nil && ad.TargetRef.Kind == "Pod" && ad.TargetRef.Name != "" {
		v["pod"] = obj{"namespace": ad.TargetRef.Namespace, "name": ad.TargetRef.Name}
	}
	if ad.Hostname != "" {
		v["hostname"] = ad.Hostname
	}
	return v
}

// endpointsView marks the Endpoints of a Service with a selector userWritten when they lack the label
// the endpoints controller puts on every Endpoints it writes: a user wrote them since its last sync.
func endpointsView(e *v1.Endpoints, managed bool) obj {
	subsets := []obj{}
	for _, s := range e.Subsets {
		addrs, notReady, ports := []obj{}, []obj{}, []obj{}
		for _, ad := range s.Addresses {
			addrs = append(addrs, addressView(ad))
		}
		for _, ad := range s.NotReadyAddresses {
			notReady = append(notReady, addressView(ad))
		}
		for _, p := range s.Ports {
			pv := obj{"port": p.Port, "protocol": string(p.Protocol)}
			if p.Name != "" {
				pv["name"] = p.Name
			}
			ports = append(ports, pv)
		}
		subsets = append(subsets, obj{"addresses": addrs, "notReadyAddresses": notReady, "ports": ports})
	}
	v := obj{"namespace": e.Namespace, "name": e.Name, "subsets": subsets}
	if managed && e.Labels[endpoint.LabelManagedBy] != endpoint.ControllerName {
		v["userWritten"] = true
	}
	return v
}
