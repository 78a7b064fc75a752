package main

import (
	"context"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"
)

// A handler that has not yet run for what the store holds keeps its informer from being current,
// for an added object and for a deleted one (F28: the store is written before handlers run).
func TestListenersCurrentWaitsForEveryHandler(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := fake.NewSimpleClientset()
	factory := informers.NewSharedInformerFactory(client, 0)
	pods := listen(factory.Core().V1().Pods())
	release := make(chan struct{})
	block := func() { <-release }
	if _, err := pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(interface{}) { block() },
		DeleteFunc: func(interface{}) { block() },
	}); err != nil {
		t.Fatal(err)
	}
	// A second handler, never blocked, does not make the informer current on its own.
	if _, err := pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: func(interface{}) {}}); err != nil {
		t.Fatal(err)
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	if !pods.informer.listenersCurrent() {
		t.Fatal("an empty store with no notification pending is current")
	}

	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "a", ResourceVersion: "1"}}
	heldUntilReleased := func(what string, stored int, change func() error) {
		t.Helper()
		if err := change(); err != nil {
			t.Fatal(err)
		}
		eventually(t, func() bool { return len(pods.informer.GetStore().List()) == stored }, "the store shows the "+what)
		if pods.informer.listenersCurrent() {
			t.Fatal("current while a handler has not run for the " + what)
		}
		release <- struct{}{}
		eventually(t, pods.informer.listenersCurrent, "current once every handler ran for the "+what)
	}
	heldUntilReleased("added pod", 1, func() error {
		_, err := client.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{})
		return err
	})
	heldUntilReleased("deleted pod", 0, func() error {
		return client.CoreV1().Pods("default").Delete(ctx, "a", metav1.DeleteOptions{})
	})
}

// eventually waits for cond; the bound only keeps a broken build from hanging, it times nothing.
func eventually(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}
