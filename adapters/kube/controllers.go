package main

// The controllers under check, started on shared informers as the upstream integration tests
// start them (test/integration/endpointslice/endpointslicemirroring_test.go,
// test/integration/replicationcontroller/replicationcontroller_test.go), and the wait for them
// to catch up.

import (
	"context"
	"net"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	cacheddiscovery "k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	restclient "k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/cache"
	"k8s.io/component-base/metrics/legacyregistry"
	"k8s.io/controller-manager/pkg/informerfactory"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller/endpoint"
	"k8s.io/kubernetes/pkg/controller/endpointslice"
	"k8s.io/kubernetes/pkg/controller/endpointslicemirroring"
	"k8s.io/kubernetes/pkg/controller/garbagecollector"
	"k8s.io/kubernetes/pkg/controller/replication"
	"k8s.io/kubernetes/pkg/controlplane/controller/kubernetesservice"
	"k8s.io/kubernetes/pkg/controlplane/reconcilers"
)

type controllers struct {
	client   kubernetes.Interface
	meta     metadata.Interface
	cancel   context.CancelFunc
	kubeSvc  *kubernetesservice.Controller
	baseline map[string]queueCounts
	watched  []watchedKind
}

func startControllers(config *restclient.Config, cfg *clusterConfig, kubelet *kubelet) (*controllers, error) {
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	factory := informers.NewSharedInformerFactory(client, 0)
	// The controllers, the kubelet and the garbage collector get informers that know when their
	// handlers have run (listeners.go).
	core := factory.Core().V1()
	pods, services, endpoints := listen(core.Pods()), listen(core.Services()), listen(core.Endpoints())
	slices, nodes, rcs := listen(factory.Discovery().V1().EndpointSlices()), listen(core.Nodes()), listen(core.ReplicationControllers())
	watched := []watchedKind{
		{"Pod", v1.SchemeGroupVersion.WithResource("pods"), pods.informer},
		{"Service", v1.SchemeGroupVersion.WithResource("services"), services.informer},
		{"Endpoints", v1.SchemeGroupVersion.WithResource("endpoints"), endpoints.informer},
		{"ReplicationController", v1.SchemeGroupVersion.WithResource("replicationcontrollers"), rcs.informer},
		{"Node", v1.SchemeGroupVersion.WithResource("nodes"), nodes.informer},
		{"EndpointSlice", discoveryv1.SchemeGroupVersion.WithResource("endpointslices"), slices.informer},
	}
	// Batch periods 0: each change is synced at once (kube-controller-manager's default for the
	// endpoints controller; the slice controllers default to 1 s, which only merges updates).
	ep := endpoint.NewEndpointController(ctx, pods, services, endpoints, client, 0)
	eps := endpointslice.NewController(ctx, pods, services, nodes, slices, 100, client, 0)
	epsm := endpointslicemirroring.NewController(ctx, endpoints, slices, services, 100, client, 0)
	rm := replication.NewReplicationManager(ctx, pods, rcs, client, replication.BurstReplicas)
	// The garbage collector deletes a ReplicationController's pods after it (kubectl delete's
	// background cascade), set up as test/integration/garbagecollector sets it up.
	discovery := cacheddiscovery.NewMemCacheClient(client.Discovery())
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(discovery)
	mapper.Reset()
	meta, err := metadata.NewForConfig(config)
	if err != nil {
		cancel()
		return nil, err
	}
	metaFactory := metadatainformer.NewSharedInformerFactory(meta, 0)
	started := make(chan struct{})
	close(started)
	gc, err := garbagecollector.NewGarbageCollector(ctx, client, meta, mapper, garbagecollector.DefaultIgnoredResources(),
		listenedFactory{informerfactory.NewInformerFactory(factory, metaFactory), watched}, started)
	if err != nil {
		cancel()
		return nil, err
	}
	c := &controllers{client: client, meta: meta, cancel: cancel, watched: watched}
	c.kubeSvc = kubernetesservice.New(kubernetesservice.Config{
		PublicIP:           net.ParseIP(cfg.nodes[0].ip),
		EndpointReconciler: reconcilers.NewMasterCountEndpointReconciler(1, reconcilers.NewEndpointsAdapter(client.CoreV1(), client.DiscoveryV1())),
		EndpointInterval:   10 * time.Second,
		ServiceIP:          net.ParseIP(cfg.kubeServiceIP),
		ServicePort:        443,
		PublicServicePort:  6443,
	}, client, services)
	kubelet.attach(ctx, client, pods, services, nodes)
	c.baseline = queueSnapshot()
	factory.Start(ctx.Done())
	for _, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			cancel()
			return nil, context.Canceled
		}
	}
	go ep.Run(ctx, 1)
	go eps.Run(ctx, 1)
	go epsm.Run(ctx, 1)
	go rm.Run(ctx, 1)
	go kubelet.run(ctx)
	metaFactory.Start(ctx.Done())
	go wait.Until(mapper.Reset, 30*time.Second, ctx.Done())
	go gc.Run(ctx, 1, 30*time.Second)
	go gc.Sync(ctx, client.Discovery(), 30*time.Second)
	// The collector's graph must know the objects before it can cascade a deletion.
	if !cache.WaitForCacheSync(ctx.Done(), func() bool { return gc.IsSynced(klog.FromContext(ctx)) }) {
		cancel()
		return nil, context.Canceled
	}
	return c, nil
}

// reconcileKubernetesService is one run of the API server's kubernetes-Service controller.
func (c *controllers) reconcileKubernetesService() error {
	return c.kubeSvc.UpdateKubernetesService(false)
}

func (c *controllers) stop() { c.cancel() }

// queueCounts are a work queue's client-go metrics (k8s.io/component-base/metrics/prometheus/
// workqueue): items waiting, items ever added, items finished.
type queueCounts struct{ depth, adds, done float64 }

func queueSnapshot() map[string]queueCounts {
	out := map[string]queueCounts{}
	families, err := legacyregistry.DefaultGatherer.Gather()
	if err != nil {
		return out
	}
	for _, f := range families {
		name := f.GetName()
		if !strings.HasPrefix(name, "workqueue_") {
			continue
		}
		for _, m := range f.GetMetric() {
			q := label(m, "name")
			v := out[q]
			switch name {
			case "workqueue_depth":
				v.depth = m.GetGauge().GetValue()
			case "workqueue_adds_total":
				v.adds = m.GetCounter().GetValue()
			case "workqueue_work_duration_seconds":
				v.done = float64(m.GetHistogram().GetSampleCount())
			}
			out[q] = v
		}
	}
	return out
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// idle: no queue of this cluster's controllers (and kubelet) holds or processes an item. The
// baseline removes what queues of earlier clusters left behind (their gauges stay as they were).
func (c *controllers) idle() bool {
	for q, v := range queueSnapshot() {
		b := c.baseline[q]
		depth := v.depth - b.depth
		inFlight := (v.adds - b.adds) - depth - (v.done - b.done)
		if depth > 0 || inFlight > 0 {
			return false
		}
	}
	return true
}

// seen: the shared informer of this kind has received the watch event of resourceVersion rv (or a
// later one). The reflector records the version of every event it handles (client-go
// LastSyncResourceVersion), so an answer never comes before the controllers could know of the
// adapter's own write — on a loaded machine that hop can take longer than the quiet period (F21).
func (c *controllers) seen(kind string, rv int64) bool {
	for _, w := range c.watched {
		if w.kind == kind {
			last, err := strconv.ParseInt(w.informer.LastSyncResourceVersion(), 10, 64)
			return err == nil && last >= rv
		}
	}
	return true
}

// waitSeen waits until the informers have seen these writes (kind → resourceVersion), at most limit.
func (c *controllers) waitSeen(writes map[string]int64, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for kind, rv := range writes {
		for !c.seen(kind, rv) {
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(time.Millisecond)
		}
	}
	return true
}

// caughtUp waits until etcd has taken no write for a quiet period, then finds the queues idle,
// every informer holding what the API stores, every handler on them done with what they hold, and
// the queues still idle: by then every watch event has reached the informers and every controller
// has acted on it. The queues are read only once
// etcd is quiet: gathering the metrics registry costs far more than reading etcd's revision.
func (c *controllers) caughtUp(rev func() int64, quiet, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	last, since := rev(), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
		if r := rev(); r != last {
			last, since = r, time.Now()
			continue
		}
		if time.Since(since) < quiet {
			continue
		}
		if c.idle() && c.informersCurrent() && c.listenersCurrent() && c.idle() && rev() == last {
			return true
		}
		since = time.Now()
	}
	return false
}

// watchedKind is a kind the controllers and the kubelet watch, with its shared informer.
type watchedKind struct {
	kind     string
	resource schema.GroupVersionResource
	informer *listenedInformer
}

// listenedFactory hands the garbage collector the same listened informers for the watched kinds.
type listenedFactory struct {
	informerfactory.InformerFactory
	watched []watchedKind
}

func (f listenedFactory) ForResource(resource schema.GroupVersionResource) (informers.GenericInformer, error) {
	generic, err := f.InformerFactory.ForResource(resource)
	if err != nil {
		return nil, err
	}
	for _, w := range f.watched {
		if w.resource == resource {
			return listened[cache.GenericLister]{generic, w.informer}, nil
		}
	}
	return generic, nil
}

// informersCurrent: every informer's cache holds exactly the objects, at the versions, that a
// consistent List returns. A quiet etcd and idle queues are not enough on a loaded machine: a
// controller's write whose watch event has not yet reached its informer leaves both so, while the
// controller still has work to do once it arrives (a ReplicationController's adoption, then its
// deletion of the surplus: docs/fidelity.md F28).
func (c *controllers) informersCurrent() bool {
	ctx := context.Background()
	for _, w := range c.watched {
		list, err := c.meta.Resource(w.resource).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false
		}
		cached := w.informer.GetStore().List()
		if len(cached) != len(list.Items) {
			return false
		}
		versions := make(map[types.UID]string, len(cached))
		for _, obj := range cached {
			if m, err := apimeta.Accessor(obj); err == nil {
				versions[m.GetUID()] = m.GetResourceVersion()
			}
		}
		for _, item := range list.Items {
			if versions[item.UID] != item.ResourceVersion {
				return false
			}
		}
	}
	return true
}

// listenersCurrent: every controller's and the kubelet's handler has run for what its informer holds.
func (c *controllers) listenersCurrent() bool {
	for _, w := range c.watched {
		if !w.informer.listenersCurrent() {
			return false
		}
	}
	return true
}
