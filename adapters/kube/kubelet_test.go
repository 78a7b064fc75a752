package main

import (
	"context"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
)

func podNamed(uid types.UID) *v1.Pod {
	return &v1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "c", UID: uid}, Spec: v1.PodSpec{NodeName: "node-1"}}
}

// A kubelet that started other/c as uid "new", whose cache holds `cached` (nil: nothing) while the
// API holds `live` (nil: nothing).
func kubeletSeeing(t *testing.T, cached, live *v1.Pod) *kubelet {
	t.Helper()
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	if cached != nil {
		if err := indexer.Add(cached); err != nil {
			t.Fatal(err)
		}
	}
	client := fake.NewSimpleClientset()
	if live != nil {
		client = fake.NewSimpleClientset(live)
	}
	k := newKubelet(&clusterConfig{}, func() int { return 0 })
	k.client, k.podLister = client, corelisters.NewPodLister(indexer)
	k.started["other/c"] = &startedPod{uid: "new", node: "node-1", ip: "10.244.0.3"}
	k.podCount["node-1"] = 1
	return k
}

// The kubelet keeps running a pod it started while its cache lags the API (the adapter queues the
// pod as soon as it created it): started again, it would get another address (F37).
func TestSyncKeepsAPodTheCacheDoesNotShowYet(t *testing.T) {
	cases := []struct {
		name         string
		cached, live *v1.Pod
		keeps        bool
	}{
		{"not in the cache yet", nil, podNamed("new"), true},
		{"the cache still shows the earlier pod of its name", podNamed("old"), podNamed("new"), true},
		{"gone from the API too", nil, nil, false},
		{"the API holds another pod of its name", nil, podNamed("newer"), false},
	}
	for _, c := range cases {
		k := kubeletSeeing(t, c.cached, c.live)
		if err := k.sync(context.Background(), "other/c"); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		s := k.started["other/c"]
		if kept := s != nil && s.uid == "new" && s.ip == "10.244.0.3"; kept != c.keeps {
			t.Errorf("%s: kept %v, want %v (started %+v)", c.name, kept, c.keeps, s)
		}
	}
}
