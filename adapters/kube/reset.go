package main

// A fresh cluster without a new API server: when init asks for the configuration the running one
// was started with, every object a sequence can have made is deleted and the kubeadm objects are
// made again. Allocations live in the objects (Service IPs as IPAddress objects, nodePorts in the
// allocator's bitmap, released on delete), so nothing of the previous sequence remains that the
// protocol or the API can show; uids and resourceVersions differ, and those are never compared.

import (
	"context"
	"fmt"
	"reflect"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// sameCluster: everything but the timing, which the adapter alone interprets.
func sameCluster(a, b *clusterConfig) bool {
	x, y := *a, *b
	x.timing, y.timing = "", ""
	return reflect.DeepEqual(x, y)
}

// Deleted in this order so that no controller makes something again behind the wipe: the
// ReplicationControllers before their pods, Services before their Endpoints and EndpointSlices.
var wiped = []schema.GroupVersionResource{
	{Version: "v1", Resource: "replicationcontrollers"},
	{Version: "v1", Resource: "pods"},
	{Version: "v1", Resource: "services"},
	{Version: "v1", Resource: "endpoints"},
	{Group: "discovery.k8s.io", Version: "v1", Resource: "endpointslices"},
	{Version: "v1", Resource: "events"},
}

func (a *adapter) wipe(ctx context.Context) error {
	zero := int64(0)
	background := metav1.DeletePropagationBackground
	for _, gvr := range wiped {
		list, err := a.dyn.Resource(gvr).Namespace("").List(ctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("wipe %s: %w", gvr.Resource, err)
		}
		for _, item := range list.Items {
			err := a.dyn.Resource(gvr).Namespace(item.GetNamespace()).Delete(ctx, item.GetName(), metav1.DeleteOptions{GracePeriodSeconds: &zero, PropagationPolicy: &background})
			if err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("wipe %s %s/%s: %w", gvr.Resource, item.GetNamespace(), item.GetName(), err)
			}
		}
	}
	if !a.catchUp() {
		return fmt.Errorf("wipe: controllers did not settle")
	}
	// What a controller still made during the wipe (an Endpoints for a Service deleted meanwhile).
	for _, gvr := range wiped[1:] {
		list, err := a.dyn.Resource(gvr).Namespace("").List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for _, item := range list.Items {
			if err := a.dyn.Resource(gvr).Namespace(item.GetNamespace()).Delete(ctx, item.GetName(), metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil && !apierrors.IsNotFound(err) {
				return err
			}
		}
	}
	if !a.catchUp() {
		return fmt.Errorf("wipe: controllers did not settle")
	}
	a.kubelet.reset()
	return nil
}
