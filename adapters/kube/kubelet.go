package main

// A small kubelet of the adapter's own: it registers the configured Nodes, binds and "starts" the
// pods nobody gave a status to (the ReplicationController's), writes their status, keeps the
// environment their containers would have got, and ends graceful deletions on model time.
// Pods applied with a status are status-managed (as under KWOK): it never touches them.
// No container, probe or packet is run.

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

type startedPod struct {
	uid       types.UID
	node      string
	ip        string
	startedAt int
	// The Services a container started now sees (the kubelet reads them when it starts one).
	services []*v1.Service
}

type terminating struct {
	uid types.UID
	end int
}

type kubelet struct {
	cfg    *clusterConfig
	now    func() int
	client kubernetes.Interface

	podLister corelisters.PodLister
	svcLister corelisters.ServiceLister
	queue     workqueue.TypedRateLimitingInterface[string]

	mu       sync.Mutex
	managed  map[string]bool // namespace/name of status-managed pods
	held     map[string]bool // namespace/name of pods the adapter is creating and starts itself
	started  map[string]*startedPod
	ending   map[string]terminating
	podCount map[string]int
	lastIP   map[string]uint32
}

func newKubelet(cfg *clusterConfig, now func() int) *kubelet {
	return &kubelet{cfg: cfg, now: now, managed: map[string]bool{}, held: map[string]bool{}, started: map[string]*startedPod{},
		ending: map[string]terminating{}, podCount: map[string]int{}, lastIP: map[string]uint32{}}
}

func (k *kubelet) attach(ctx context.Context, client kubernetes.Interface, pods coreinformers.PodInformer, services coreinformers.ServiceInformer, nodes coreinformers.NodeInformer) {
	k.client = client
	k.podLister = pods.Lister()
	k.svcLister = services.Lister()
	_ = nodes.Informer()
	k.queue = workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[string](),
		workqueue.TypedRateLimitingQueueConfig[string]{Name: "svcspec_kubelet"})
	enqueue := func(obj any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
			k.queue.Add(key)
		}
	}
	pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, n any) { enqueue(n) },
		DeleteFunc: enqueue,
	})
}

func (k *kubelet) run(ctx context.Context) {
	go func() {
		<-ctx.Done()
		k.queue.ShutDown()
	}()
	for {
		key, quit := k.queue.Get()
		if quit {
			return
		}
		if err := k.sync(ctx, key); err != nil {
			k.queue.AddRateLimited(key)
		} else {
			k.queue.Forget(key)
		}
		k.queue.Done(key)
	}
}

func (k *kubelet) setManaged(key string, managed bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if managed {
		k.managed[key] = true
	} else {
		delete(k.managed, key)
	}
}

func (k *kubelet) isManaged(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.managed[key]
}

func (k *kubelet) sync(ctx context.Context, key string) error {
	ns, name, _ := cache.SplitMetaNamespaceKey(key)
	pod, err := k.podLister.Pods(ns).Get(name)
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	s := k.started[key]
	if s != nil && (pod == nil || pod.UID != s.uid) && k.stillRuns(ctx, ns, name, s.uid) {
		// The cache lags a pod the adapter has just created and started (release and writeCreated
		// queue it at once): the informer's event for it syncs it again (F37).
		return nil
	}
	if pod == nil {
		k.forget(key)
		delete(k.ending, key)
		delete(k.managed, key)
		return nil
	}
	if s != nil && s.uid != pod.UID { // the same name again: a new pod
		k.forget(key)
		delete(k.ending, key)
		s = nil
	}
	if pod.DeletionTimestamp != nil {
		// The kubelet ends the pod when its grace period has passed, in model time.
		if _, ok := k.ending[key]; !ok && s != nil {
			grace := 30
			if pod.DeletionGracePeriodSeconds != nil {
				grace = int(*pod.DeletionGracePeriodSeconds)
			}
			k.ending[key] = terminating{uid: pod.UID, end: k.now() + grace}
		}
		return nil
	}
	if k.managed[key] || s != nil || k.held[key] {
		return nil
	}
	if pod.Status.Phase == v1.PodSucceeded || pod.Status.Phase == v1.PodFailed {
		return nil
	}
	node := pod.Spec.NodeName
	if node == "" {
		node = k.chooseNode()
		if node == "" {
			return nil
		}
		binding := &v1.Binding{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: pod.UID}, Target: v1.ObjectReference{Kind: "Node", Name: node}}
		if err := k.client.CoreV1().Pods(ns).Bind(ctx, binding, metav1.CreateOptions{}); err != nil {
			if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
				return nil
			}
			return err
		}
	}
	if k.begin(key, pod, node) == nil {
		return nil
	}
	return k.writeRunning(ctx, key)
}

// stillRuns: whether the API still holds the pod the kubelet started as uid, asked of the API
// itself, since the cache may not show it yet. A pod the kubelet runs keeps its address: a
// kubelet never starts it again with another one. Called with k.mu held.
func (k *kubelet) stillRuns(ctx context.Context, ns, name string, uid types.UID) bool {
	fresh, err := k.client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	return err == nil && fresh.UID == uid
}

// begin is the kubelet's decision to run a pod on a node: its IP and its containers' view of the
// Services are taken now. Nil when the node is not one of the cluster's (the pod stays Pending) or
// its range is full. Called with k.mu held.
func (k *kubelet) begin(key string, pod *v1.Pod, node string) *startedPod {
	nc := k.nodeConfig(node)
	if nc == nil {
		return nil
	}
	ip := nc.ip
	if !pod.Spec.HostNetwork {
		ip = k.assignIP(nc)
		if ip == "" {
			return nil
		}
	}
	services, _ := k.svcLister.List(labelsEverything())
	s := &startedPod{uid: pod.UID, node: node, ip: ip, startedAt: k.now(), services: services}
	k.started[key] = s
	k.podCount[node]++
	return s
}

// writeRunning writes the status of a pod the kubelet started, again on a conflict (a controller
// wrote the pod meanwhile), also once the pod is being deleted: its containers run until its grace
// period ends. A pod gone, or replaced by another of its name, is forgotten.
func (k *kubelet) writeRunning(ctx context.Context, key string) error {
	ns, name, _ := cache.SplitMetaNamespaceKey(key)
	s := k.started[key]
	for {
		fresh, err := k.client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err == nil && fresh.UID == s.uid {
			fresh.Status = runningStatus(fresh, k.nodeConfig(s.node).ip, s.ip)
			_, err = k.client.CoreV1().Pods(ns).UpdateStatus(ctx, fresh, metav1.UpdateOptions{})
			if apierrors.IsConflict(err) {
				continue
			}
		}
		if err == nil && fresh.UID == s.uid {
			return nil
		}
		k.forget(key) // gone, replaced, or an error the queue retries from the start
		return ignoreNotFound(err)
	}
}

// forget drops a pod the kubelet started. Called with k.mu held.
func (k *kubelet) forget(key string) {
	if s := k.started[key]; s != nil {
		k.podCount[s.node]--
	}
	delete(k.started, key)
}

// place is the scheduler's choice for a pod the kubelet will run, made before the API creates it
// ("" when there is no node).
func (k *kubelet) place() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.chooseNode()
}

// A pod the kubelet runs is started by the adapter, in the model's order (adapter.go
// createKubeletRun): the model binds, addresses and starts such a pod in the step that applies it,
// before any controller can delete it (F29), and writes its Running status only after the
// controllers have acted on the pod as created, still Pending (F34), in either timing: the model's
// replication manager acts within the step in async timing too (F38). On a real cluster both are
// races (a ReplicationController that finds the pod surplus may delete it before the kubelet
// starts it, or see it Running and ready and delete another); the adapter takes the model's order.

// hold keeps the kubelet's own sync from starting a pod the adapter is about to create and start.
func (k *kubelet) hold(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.held[key] = true
}

// release lets the kubelet's sync look at the pod again.
func (k *kubelet) release(key string) {
	k.mu.Lock()
	delete(k.held, key)
	k.mu.Unlock()
	k.queue.Add(key)
}

// beginCreated is the kubelet's decision to run a pod the API has just created (its IP, its
// containers' view of the Services), without its status write yet. False when the pod does not
// run (not bound to one of the cluster's nodes, or its node's range is full).
func (k *kubelet) beginCreated(pod *v1.Pod) bool {
	key := pod.Namespace + "/" + pod.Name
	k.mu.Lock()
	defer k.mu.Unlock()
	if s := k.started[key]; s != nil && s.uid == pod.UID {
		return true
	}
	return pod.Spec.NodeName != "" && k.begin(key, pod, pod.Spec.NodeName) != nil
}

// writeCreated writes the Running status of a pod beginCreated started, if the kubelet still runs
// it (a pod deleted with no grace period is gone), also once it is being deleted.
func (k *kubelet) writeCreated(ctx context.Context, key string, uid types.UID) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s := k.started[key]; s != nil && s.uid == uid {
		_ = k.writeRunning(ctx, key) // on an error it forgets the pod, and sync starts it again
	}
	// sync sees what the write raced with: a deletion (it starts the grace period) or an error.
	k.queue.Add(key)
}

func ignoreNotFound(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// runningStatus is what a kubelet writes once every container runs: Ready unless a container has a
// readiness probe (probes are not run here, so such a container never becomes ready).
func runningStatus(pod *v1.Pod, hostIP, podIP string) v1.PodStatus {
	now := metav1.NewTime(time.Now())
	ready := true
	var cs []v1.ContainerStatus
	for _, c := range pod.Spec.Containers {
		r := c.ReadinessProbe == nil
		ready = ready && r
		started := true
		cs = append(cs, v1.ContainerStatus{Name: c.Name, Image: c.Image, Ready: r, Started: &started,
			State: v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: now}}})
	}
	cond := func(t v1.PodConditionType, ok bool) v1.PodCondition {
		s := v1.ConditionFalse
		if ok {
			s = v1.ConditionTrue
		}
		return v1.PodCondition{Type: t, Status: s, LastTransitionTime: now}
	}
	return v1.PodStatus{
		Phase:             v1.PodRunning,
		HostIP:            hostIP,
		HostIPs:           []v1.HostIP{{IP: hostIP}},
		PodIP:             podIP,
		PodIPs:            []v1.PodIP{{IP: podIP}},
		StartTime:         &now,
		Conditions:        []v1.PodCondition{cond(v1.PodReadyToStartContainers, true), cond(v1.PodInitialized, true), cond(v1.ContainersReady, ready), cond(v1.PodReady, ready), cond(v1.PodScheduled, true)},
		ContainerStatuses: cs,
	}
}

func (k *kubelet) nodeConfig(name string) *nodeConfig {
	for i := range k.cfg.nodes {
		if k.cfg.nodes[i].name == name {
			return &k.cfg.nodes[i]
		}
	}
	return nil
}

// chooseNode: the node with the fewest pods this kubelet runs, ties to the earlier (the model's
// scheduler; any node is an allowed choice).
func (k *kubelet) chooseNode() string {
	best := ""
	for _, n := range k.cfg.nodes {
		if best == "" || k.podCount[n.name] < k.podCount[best] {
			best = n.name
		}
	}
	return best
}

// assignIP: host-local IPAM in the node's block, the next free address after the last handed out,
// skipping the block's .0, .1 and last address.
func (k *kubelet) assignIP(n *nodeConfig) string {
	taken := map[string]bool{}
	pods, _ := k.podLister.List(labelsEverything())
	for _, p := range pods {
		if p.Status.PodIP != "" && p.Status.Phase != v1.PodSucceeded && p.Status.Phase != v1.PodFailed && !p.Spec.HostNetwork {
			taken[p.Status.PodIP] = true
		}
	}
	for _, s := range k.started {
		taken[s.ip] = true
	}
	base := ipToInt(n.podRange.IP)
	size := uint32(rangeSize(n.podRange))
	last := k.lastIP[n.name]
	for i := uint32(1); i <= size; i++ {
		off := (last + i) % size
		if off < 2 || off == size-1 {
			continue
		}
		ip := intToIP(base + off).String()
		if !taken[ip] {
			k.lastIP[n.name] = off
			return ip
		}
	}
	return ""
}

// advance ends the graceful deletions whose grace period has passed by model time `now`.
func (k *kubelet) advance(ctx context.Context, now int) error {
	k.mu.Lock()
	type due struct {
		key string
		t   terminating
	}
	var list []due
	for key, t := range k.ending {
		if t.end <= now {
			list = append(list, due{key, t})
		}
	}
	k.mu.Unlock()
	sort.Slice(list, func(i, j int) bool {
		return list[i].t.end < list[j].t.end || (list[i].t.end == list[j].t.end && list[i].key < list[j].key)
	})
	for _, d := range list {
		ns, name, _ := cache.SplitMetaNamespaceKey(d.key)
		zero := int64(0)
		uid := d.t.uid
		err := k.client.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &uid}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("ending pod %s: %w", d.key, err)
		}
	}
	return nil
}

// startedInfo is what the kubelet knows of a pod it started (nil for the others).
func (k *kubelet) startedInfo(key string) *startedPod {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.started[key]
}

// registerNodes creates the configured Nodes, Ready, with their InternalIP.
func registerNodes(ctx context.Context, client kubernetes.Interface, cfg *clusterConfig) error {
	for _, n := range cfg.nodes {
		node := &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.name, Labels: map[string]string{"kubernetes.io/hostname": n.name}},
			Spec: v1.NodeSpec{PodCIDR: n.podRange.String(), PodCIDRs: []string{n.podRange.String()}}}
		created, err := client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		created.Status = v1.NodeStatus{
			Addresses:  []v1.NodeAddress{{Type: v1.NodeInternalIP, Address: n.ip}, {Type: v1.NodeHostName, Address: n.name}},
			Conditions: []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionTrue, Reason: "KubeletReady", LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}},
		}
		if _, err := client.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// reset forgets every pod: called once the API holds none.
func (k *kubelet) reset() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.managed, k.started, k.ending = map[string]bool{}, map[string]*startedPod{}, map[string]terminating{}
	k.podCount, k.lastIP = map[string]int{}, map[string]uint32{}
}
