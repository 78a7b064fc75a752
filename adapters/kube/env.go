package main

// A container's environment as the kubelet builds it (kubernetes/kubernetes v1.37.2
// pkg/kubelet/kubelet_pods.go getServiceEnvVarMap and makeEnvironmentVariables): the Service
// variables come from pkg/kubelet/envvars, `$(VAR)` expansion from third_party/forked/golang/expansion.

import (
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	v1helper "k8s.io/kubernetes/pkg/apis/core/v1/helper"
	"k8s.io/kubernetes/pkg/kubelet/envvars"
	"k8s.io/kubernetes/third_party/forked/golang/expansion"
)

func labelsEverything() labels.Selector { return labels.Everything() }

// serviceEnv: the kubelet's projection — every Service with a cluster IP in the pod's namespace
// (with enableServiceLinks), and default/kubernetes always. The kubelet walks a Go map, so when two
// Services spell the same variable either may win; here the Services go in name order, first wins.
func serviceEnv(services []*v1.Service, ns string, enableServiceLinks bool) map[string]string {
	byName := map[string]*v1.Service{}
	for _, s := range services {
		if !v1helper.IsServiceIPSet(s) {
			continue
		}
		if s.Namespace == "default" && s.Name == "kubernetes" {
			if _, ok := byName[s.Name]; !ok {
				byName[s.Name] = s
			}
		} else if s.Namespace == ns && enableServiceLinks {
			byName[s.Name] = s
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	env := map[string]string{}
	for _, n := range names {
		for _, e := range envvars.FromServices([]*v1.Service{byName[n]}) {
			if _, ok := env[e.Name]; !ok {
				env[e.Name] = e.Value
			}
		}
	}
	return env
}

// containerEnv: the container's own env in order, each value expanded against the entries before
// it and the Service variables; own entries override Service variables.
func containerEnv(pod *v1.Pod, c *v1.Container, svc map[string]string, podIP, hostIP string) map[string]string {
	own := map[string]string{}
	var order []string
	for _, e := range c.Env {
		var v string
		switch {
		case e.Value != "":
			v = expansion.Expand(e.Value, expansion.MappingFuncFor(own, svc))
		case e.ValueFrom != nil:
			val, ok := fieldRef(pod, e.ValueFrom, podIP, hostIP)
			if !ok {
				continue
			}
			v = val
		}
		if _, seen := own[e.Name]; !seen {
			order = append(order, e.Name)
		}
		own[e.Name] = v
	}
	out := map[string]string{}
	for k, v := range svc {
		out[k] = v
	}
	for _, k := range order {
		out[k] = own[k]
	}
	return out
}

// fieldRef resolves the downward API fields the kubelet resolves (podFieldSelectorRuntimeValue).
func fieldRef(pod *v1.Pod, from *v1.EnvVarSource, podIP, hostIP string) (string, bool) {
	if from.FieldRef == nil {
		return "", false
	}
	path := from.FieldRef.FieldPath
	for _, m := range []struct {
		prefix string
		src    map[string]string
	}{{"metadata.labels['", pod.Labels}, {"metadata.annotations['", pod.Annotations}} {
		if strings.HasPrefix(path, m.prefix) && strings.HasSuffix(path, "']") {
			return m.src[strings.TrimSuffix(strings.TrimPrefix(path, m.prefix), "']")], true
		}
	}
	switch path {
	case "metadata.name":
		return pod.Name, true
	case "metadata.namespace":
		return pod.Namespace, true
	case "metadata.uid":
		return string(pod.UID), true
	case "spec.nodeName":
		return pod.Spec.NodeName, true
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, true
	case "status.podIP", "status.podIPs":
		return podIP, true
	case "status.hostIP", "status.hostIPs":
		return hostIP, true
	}
	return "", false
}
