package main

// Shared informers that know whether every handler registered on them has run for what their
// store holds. A shared informer updates its store before its handlers run, and each handler runs
// on a goroutine of its own (client-go v0.37.2 tools/cache controller.go processDeltas:
// clientState.Update, then handler.OnUpdate; shared_informer.go processorListener.run), so a
// store that matches the API, idle queues and a quiet etcd can all hold while a controller's
// handler has not yet run and so not yet enqueued its work (docs/fidelity.md F28).

import (
	"sync"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/cache"
)

// listenedInformer hands every handler added to it a record of what that handler has finished.
type listenedInformer struct {
	cache.SharedIndexInformer
	mu        sync.Mutex
	listeners map[cache.ResourceEventHandlerRegistration]*listener
}

func newListenedInformer(inner cache.SharedIndexInformer) *listenedInformer {
	return &listenedInformer{SharedIndexInformer: inner, listeners: map[cache.ResourceEventHandlerRegistration]*listener{}}
}

func (i *listenedInformer) AddEventHandler(h cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
	return i.register(h, func(w cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
		return i.SharedIndexInformer.AddEventHandler(w)
	})
}

func (i *listenedInformer) AddEventHandlerWithResyncPeriod(h cache.ResourceEventHandler, resync time.Duration) (cache.ResourceEventHandlerRegistration, error) {
	return i.register(h, func(w cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
		return i.SharedIndexInformer.AddEventHandlerWithResyncPeriod(w, resync)
	})
}

func (i *listenedInformer) AddEventHandlerWithOptions(h cache.ResourceEventHandler, o cache.HandlerOptions) (cache.ResourceEventHandlerRegistration, error) {
	return i.register(h, func(w cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
		return i.SharedIndexInformer.AddEventHandlerWithOptions(w, o)
	})
}

func (i *listenedInformer) RemoveEventHandler(r cache.ResourceEventHandlerRegistration) error {
	i.mu.Lock()
	delete(i.listeners, r)
	i.mu.Unlock()
	return i.SharedIndexInformer.RemoveEventHandler(r)
}

func (i *listenedInformer) register(h cache.ResourceEventHandler, add func(cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error)) (cache.ResourceEventHandlerRegistration, error) {
	l := &listener{handled: map[string]string{}}
	r, err := add(handledBy{h, l})
	if err == nil {
		i.mu.Lock()
		i.listeners[r] = l
		i.mu.Unlock()
	}
	return r, err
}

// listenersCurrent: every handler has finished running for each object the store holds, at the
// version it holds, and for each deletion of an object the store no longer holds.
func (i *listenedInformer) listenersCurrent() bool {
	stored := map[string]string{}
	for _, obj := range i.GetStore().List() {
		key, version, ok := keyAndVersion(obj)
		if !ok {
			return false
		}
		stored[key] = version
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	for _, l := range i.listeners {
		if !l.holds(stored) {
			return false
		}
	}
	return true
}

// listener: for each object, the version a handler last finished with.
type listener struct {
	mu      sync.Mutex
	handled map[string]string
}

func (l *listener) finished(obj interface{}, deleted bool) {
	key, version, ok := keyAndVersion(obj)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if deleted {
		delete(l.handled, key)
	} else {
		l.handled[key] = version
	}
}

func (l *listener) holds(stored map[string]string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.handled) != len(stored) {
		return false
	}
	for key, version := range stored {
		if l.handled[key] != version {
			return false
		}
	}
	return true
}

// keyAndVersion: an object's (or a deletion tombstone's) namespace/name key and resourceVersion.
func keyAndVersion(obj interface{}) (string, string, bool) {
	if tombstone, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		return tombstone.Key, "", true
	}
	m, err := apimeta.Accessor(obj)
	if err != nil {
		return "", "", false
	}
	key, err := cache.MetaNamespaceKeyFunc(obj)
	return key, m.GetResourceVersion(), err == nil
}

// handledBy runs a handler, then records that it finished.
type handledBy struct {
	handler  cache.ResourceEventHandler
	listener *listener
}

func (h handledBy) OnAdd(obj interface{}, isInInitialList bool) {
	h.handler.OnAdd(obj, isInInitialList)
	h.listener.finished(obj, false)
}

func (h handledBy) OnUpdate(oldObj, newObj interface{}) {
	h.handler.OnUpdate(oldObj, newObj)
	h.listener.finished(newObj, false)
}

func (h handledBy) OnDelete(obj interface{}) {
	h.handler.OnDelete(obj)
	h.listener.finished(obj, true)
}

// listened is a typed informer (PodInformer, ServiceInformer, ...) whose Informer() is listened.
type listened[L any] struct {
	typed interface {
		Informer() cache.SharedIndexInformer
		Lister() L
	}
	informer *listenedInformer
}

func (l listened[L]) Informer() cache.SharedIndexInformer { return l.informer }
func (l listened[L]) Lister() L                           { return l.typed.Lister() }

func listen[L any](typed interface {
	Informer() cache.SharedIndexInformer
	Lister() L
}) listened[L] {
	return listened[L]{typed, newListenedInformer(typed.Informer())}
}
