package main

// The operations of docs/contract.md section 2 that a control plane answers.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

// supports is this adapter's answer to init (spec/schema/supports.schema.json): no containers,
// probes or traffic run here, and Nodes are the configured ones.
var supports = map[string]any{
	"operations": []string{"apply", "delete", "advance", "env"},
	"kinds":      []string{"Pod", "Service", "Endpoints", "ReplicationController"},
}

// How long the API must have been quiet, with every controller queue empty, to count as caught up.
const quietPeriod = 30 * time.Millisecond

type adapter struct {
	root    string
	etcd    *etcdServer
	api     *apiServer
	ctrl    *controllers
	kubelet *kubelet
	client  kubernetes.Interface
	dyn     dynamic.Interface
	cfg     *clusterConfig
	time    int
	created map[string]int // Service uid → model time of creation
	// The adapter's own writes since the last catching-up: kind → the newest resourceVersion.
	written map[string]int64
	// The nodes' own resolv.conf (empty): what Default-policy pods get.
	hostResolvConf string
}

func badRequest(msg string) map[string]any {
	return map[string]any{"reason": "BadRequest", "message": msg}
}

func refuse(reason, msg string) map[string]any {
	return map[string]any{"ok": false, "error": map[string]any{"reason": reason, "message": msg}}
}

// apiRefusal turns an API server error into the protocol's refusal; anything else is indefinite.
func apiRefusal(err error) map[string]any {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		s := status.Status()
		e := map[string]any{"reason": string(s.Reason), "message": s.Message}
		if s.Details != nil && len(s.Details.Causes) > 0 {
			causes := []map[string]any{}
			for _, c := range s.Details.Causes {
				causes = append(causes, map[string]any{"reason": string(c.Type), "message": c.Message, "field": c.Field})
			}
			e["causes"] = causes
		}
		return map[string]any{"ok": false, "error": e}
	}
	return map[string]any{"ok": false, "error": err.Error(), "definite": false}
}

func (a *adapter) dispatch(ctx context.Context, req map[string]any) map[string]any {
	op, _ := req["op"].(string)
	if op == "init" {
		return a.init(ctx, req["cluster"])
	}
	if a.api == nil {
		return refuse("BadRequest", "init first")
	}
	var answer map[string]any
	switch op {
	case "observe":
		state, err := a.observe(ctx)
		if err != nil {
			return map[string]any{"ok": false, "error": err.Error(), "definite": false}
		}
		return map[string]any{"ok": true, "state": state}
	case "settle":
		if !a.catchUp() {
			return map[string]any{"ok": false, "error": "controllers did not catch up", "definite": false}
		}
		return map[string]any{"ok": true}
	case "env":
		return a.env(ctx, req)
	case "apply":
		answer = a.apply(ctx, req["object"])
	case "delete":
		answer = a.delete(ctx, req)
	case "advance":
		answer = a.advance(ctx, req)
	default:
		return refuse("BadRequest", fmt.Sprintf("operation %q is not supported by the control-plane adapter", op))
	}
	if a.cfg.timing == "sync" {
		if !a.catchUp() {
			return map[string]any{"ok": false, "error": "controllers did not catch up", "definite": false}
		}
	}
	return answer
}

func (a *adapter) catchUp() bool {
	writes := a.written
	a.written = nil
	return a.ctrl.waitSeen(writes, 30*time.Second) && a.ctrl.caughtUp(a.etcd.revision, quietPeriod, 30*time.Second)
}

// wrote notes a write of the adapter's own, for catchUp to wait until the informers have seen it.
func (a *adapter) wrote(kind, resourceVersion string) {
	rv, err := strconv.ParseInt(resourceVersion, 10, 64)
	if err != nil {
		return
	}
	if a.written == nil {
		a.written = map[string]int64{}
	}
	if rv > a.written[kind] {
		a.written[kind] = rv
	}
}

func (a *adapter) init(ctx context.Context, cluster any) map[string]any {
	started := time.Now()
	var in clusterInput
	if cluster != nil {
		b, _ := json.Marshal(cluster)
		if err := json.Unmarshal(b, &in); err != nil {
			return map[string]any{"ok": false, "error": "cluster: " + err.Error()}
		}
	}
	cfg, err := normalizeConfig(in)
	if err != nil {
		return map[string]any{"ok": false, "error": err.Error()}
	}
	if a.api != nil && sameCluster(a.cfg, cfg) {
		if err := a.wipe(ctx); err == nil {
			a.cfg, a.time, a.created = cfg, 0, map[string]int{}
			a.kubelet.cfg = cfg
			return a.bootstrap(ctx, started)
		} else {
			fmt.Fprintln(os.Stderr, "kube-adapter: wipe failed, starting a new API server:", err)
		}
	}
	a.teardown()
	if a.hostResolvConf == "" {
		a.hostResolvConf = a.root + "/node-resolv.conf"
		if err := os.WriteFile(a.hostResolvConf, nil, 0o644); err != nil {
			return map[string]any{"ok": false, "error": err.Error()}
		}
	}
	if a.etcd == nil {
		if a.etcd, err = startEtcd(a.root); err != nil {
			return map[string]any{"ok": false, "error": err.Error()}
		}
	}
	fail := func(err error) map[string]any {
		a.teardown()
		return map[string]any{"ok": false, "error": err.Error()}
	}
	if a.api, err = startAPIServer(a.root, a.etcd.url, cfg); err != nil {
		return fail(err)
	}
	a.cfg, a.time, a.created = cfg, 0, map[string]int{}
	if a.client, err = kubernetes.NewForConfig(a.api.config); err != nil {
		return fail(err)
	}
	if a.dyn, err = dynamic.NewForConfig(a.api.config); err != nil {
		return fail(err)
	}
	if err := registerNodes(ctx, a.client, cfg); err != nil {
		return fail(err)
	}
	a.kubelet = newKubelet(cfg, func() int { return a.time })
	if a.ctrl, err = startControllers(a.api.config, cfg, a.kubelet); err != nil {
		return fail(err)
	}
	if _, err := a.client.CoreV1().Namespaces().Create(ctx, &v1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "other"}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fail(err)
	}
	return a.bootstrap(ctx, started)
}

// bootstrap makes what a kubeadm cluster starts with: the kubernetes Service with its Endpoints, and kube-dns.
func (a *adapter) bootstrap(ctx context.Context, started time.Time) map[string]any {
	cfg := a.cfg
	fail := func(err error) map[string]any {
		a.teardown()
		return map[string]any{"ok": false, "error": err.Error()}
	}
	if err := a.ctrl.reconcileKubernetesService(); err != nil {
		return fail(err)
	}
	dns := &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-dns", Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}},
		Spec: v1.ServiceSpec{ClusterIP: cfg.dnsServiceIP, Selector: map[string]string{"k8s-app": "kube-dns"}, Ports: []v1.ServicePort{
			{Name: "dns", Port: 53, Protocol: v1.ProtocolUDP, TargetPort: intOrString(53)},
			{Name: "dns-tcp", Port: 53, Protocol: v1.ProtocolTCP, TargetPort: intOrString(53)},
		}},
	}
	if _, err := a.client.CoreV1().Services("kube-system").Create(ctx, dns, metav1.CreateOptions{}); err != nil {
		return fail(err)
	}
	if !a.catchUp() {
		return fail(errors.New("controllers did not settle after start-up"))
	}
	fmt.Fprintf(os.Stderr, "kube-adapter: init in %d ms\n", time.Since(started).Milliseconds())
	return map[string]any{"ok": true, "supports": supports}
}

func (a *adapter) teardown() {
	if a.ctrl != nil {
		a.ctrl.stop()
		a.ctrl = nil
	}
	if a.api != nil {
		a.api.stop()
		a.api = nil
	}
	// Let the old queues' workers finish the item they hold before the next baseline is taken.
	time.Sleep(50 * time.Millisecond)
}

func (a *adapter) shutdown() {
	a.teardown()
	if a.etcd != nil {
		a.etcd.etcd.Close()
	}
}

var resources = map[string]schema.GroupVersionResource{
	"Pod":                   {Version: "v1", Resource: "pods"},
	"Service":               {Version: "v1", Resource: "services"},
	"Endpoints":             {Version: "v1", Resource: "endpoints"},
	"ReplicationController": {Version: "v1", Resource: "replicationcontrollers"},
}

func (a *adapter) apply(ctx context.Context, object any) map[string]any {
	m, ok := object.(map[string]any)
	if !ok {
		return refuse("BadRequest", "Object 'Kind' is missing")
	}
	kind, _ := m["kind"].(string)
	gvr, ok := resources[kind]
	if !ok {
		return refuse("BadRequest", fmt.Sprintf("no kind %q is registered for this control-plane adapter", kind))
	}
	u := &unstructured.Unstructured{Object: runtime.DeepCopyJSON(m)}
	ns := u.GetNamespace()
	if ns == "" {
		ns = "default"
		u.SetNamespace(ns)
	}
	name := u.GetName()
	key := ns + "/" + name
	var status any
	if kind == "Pod" {
		status = u.Object["status"]
		delete(u.Object, "status")
	}
	// Create (POST) when the object is absent, else replace it (PUT) as the contract's apply does:
	// the API server keeps the clusterIP and nodePorts an update omits (the Service registry's
	// patchAllocatedValues); a pod keeps what the server set in its spec (its node, the default
	// tolerations), since kubectl apply's merge would not remove them either.
	var result *unstructured.Unstructured
	existing, err := a.dyn.Resource(gvr).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	if err == nil && status != nil && !a.kubelet.isManaged(key) {
		status = nil // a pod the kubelet runs: its status is the kubelet's
	}
	var st v1.PodStatus
	if status != nil {
		b, _ := json.Marshal(status)
		if err := json.Unmarshal(b, &st); err != nil {
			return refuse("BadRequest", "status: "+err.Error())
		}
	}
	// A status-managed pod's writes go in an order no controller can see half-done (status_pods.go).
	objects := a.dyn.Resource(gvr).Namespace(ns)
	switch {
	case apierrors.IsNotFound(err) && status != nil:
		a.kubelet.setManaged(key, true)
		result, err = a.createStatusManaged(ctx, u, st)
	case apierrors.IsNotFound(err) && kind == "Pod":
		result, err = a.createKubeletRun(ctx, u)
	case apierrors.IsNotFound(err):
		result, err = objects.Create(ctx, u, metav1.CreateOptions{FieldManager: "svcspec"})
	case err == nil && status != nil:
		result, err = a.replaceStatusManaged(ctx, u, existing, st)
	case err == nil:
		u.SetResourceVersion(existing.GetResourceVersion())
		if kind == "Pod" {
			keepServerSet(u, existing, "nodeName", "tolerations")
			if st, ok := existing.Object["status"]; ok {
				u.Object["status"] = st
			}
		}
		result, err = objects.Update(ctx, u, metav1.UpdateOptions{FieldManager: "svcspec"})
	}
	if err != nil {
		var done *deletedMeanwhile
		if errors.As(err, &done) {
			// The write itself succeeded; a controller deleted the pod before the adapter's last
			// write (a ReplicationController's surplus: docs/fidelity.md F12). The model applies
			// the whole object at once, then deletes it: answer the write as the caller gave it.
			result = done.written
			result.Object["status"] = status
		} else {
			if status != nil {
				if _, gerr := a.client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{}); apierrors.IsNotFound(gerr) {
					a.kubelet.setManaged(key, false)
				}
			}
			return apiRefusal(err)
		}
	}
	a.wrote(kind, result.GetResourceVersion())
	if kind == "Service" {
		if _, seen := a.created[string(result.GetUID())]; !seen {
			a.created[string(result.GetUID())] = a.time
		}
	}
	result.SetManagedFields(nil)
	return map[string]any{"ok": true, "object": result.Object}
}

// createKubeletRun creates a pod the kubelet runs already bound to the node the kubelet places it
// on, and starts it before answering (F29); its Running status is written only once the controllers
// have caught up on the pod as created (F34; in async timing too, F38). kubelet.go says why.
func (a *adapter) createKubeletRun(ctx context.Context, u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	var pod v1.Pod
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &pod); err == nil && pod.Spec.NodeName == "" {
		if node := a.kubelet.place(); node != "" {
			_ = unstructured.SetNestedField(u.Object, node, "spec", "nodeName")
		}
	}
	key := u.GetNamespace() + "/" + u.GetName()
	a.kubelet.hold(key)
	defer a.kubelet.release(key)
	created, err := a.dyn.Resource(resources["Pod"]).Namespace(u.GetNamespace()).Create(ctx, u, metav1.CreateOptions{FieldManager: "svcspec"})
	if err != nil {
		return nil, err
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(created.Object, &pod); err != nil || !a.kubelet.beginCreated(&pod) {
		return created, nil
	}
	a.wrote("Pod", created.GetResourceVersion())
	a.catchUp() // if they do not, the sync answer's own catch-up says so (async: the next settle's)
	a.kubelet.writeCreated(ctx, key, pod.UID)
	return created, nil
}

func (a *adapter) delete(ctx context.Context, req map[string]any) map[string]any {
	kind, _ := req["kind"].(string)
	gvr, ok := resources[kind]
	if !ok {
		return refuse("BadRequest", fmt.Sprintf("no kind %q is registered for this control-plane adapter", kind))
	}
	ns, _ := req["namespace"].(string)
	if ns == "" {
		ns = "default"
	}
	name, _ := req["name"].(string)
	// kubectl delete's default cascade: the object goes, the garbage collector takes its dependents.
	background := metav1.DeletePropagationBackground
	if err := a.dyn.Resource(gvr).Namespace(ns).Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &background}); err != nil {
		return apiRefusal(err)
	}
	return map[string]any{"ok": true}
}

// advance: model time passes. The kubelet ends grace periods that ran out; the API server's
// kubernetes-Service controller runs at each multiple of 10 s (its EndpointInterval).
func (a *adapter) advance(ctx context.Context, req map[string]any) map[string]any {
	seconds, ok := req["seconds"].(float64)
	if !ok || seconds < 0 {
		return refuse("BadRequest", "advance: seconds must be an integer ≥ 0")
	}
	end := a.time + int(seconds)
	for t := (a.time/10 + 1) * 10; t <= end; t += 10 {
		a.time = t
		if err := a.kubelet.advance(ctx, t); err != nil {
			return map[string]any{"ok": false, "error": err.Error(), "definite": false}
		}
		a.catchUp()
		if err := a.ctrl.reconcileKubernetesService(); err != nil {
			fmt.Fprintln(os.Stderr, "kube-adapter: kubernetes service:", err)
		}
		a.catchUp()
		// A kubernetes Service this run made again was created at t, not at the end of the advance.
		if s, err := a.client.CoreV1().Services("default").Get(ctx, "kubernetes", metav1.GetOptions{}); err == nil {
			a.createdAt(s)
		}
	}
	a.time = end
	if err := a.kubelet.advance(ctx, end); err != nil {
		return map[string]any{"ok": false, "error": err.Error(), "definite": false}
	}
	return map[string]any{"ok": true}
}

func (a *adapter) env(ctx context.Context, req map[string]any) map[string]any {
	ns, _ := req["namespace"].(string)
	if ns == "" {
		ns = "default"
	}
	name, _ := req["pod"].(string)
	container, _ := req["container"].(string)
	pod, err := a.client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return apiRefusal(err)
	}
	idx := 0
	if container != "" {
		idx = -1
		for i, c := range pod.Spec.Containers {
			if c.Name == container {
				idx = i
			}
		}
		if idx < 0 {
			return refuse("BadRequest", fmt.Sprintf("container %s is not valid for pod %s", container, name))
		}
	}
	started := a.kubelet.startedInfo(ns + "/" + name)
	if started == nil || started.uid != pod.UID {
		// A container the kubelet never started has no environment: kubectl exec finds no container.
		return refuse("BadRequest", fmt.Sprintf("container %s not found in pod %s", pod.Spec.Containers[idx].Name, name))
	}
	links := pod.Spec.EnableServiceLinks == nil || *pod.Spec.EnableServiceLinks
	svc := serviceEnv(started.services, ns, links)
	hostIP := ""
	if nc := a.kubelet.nodeConfig(started.node); nc != nil {
		hostIP = nc.ip
	}
	return map[string]any{"ok": true, "env": containerEnv(pod, &pod.Spec.Containers[idx], svc, started.ip, hostIP)}
}

func (a *adapter) createdAt(s *v1.Service) int {
	uid := string(s.UID)
	if t, ok := a.created[uid]; ok {
		return t
	}
	a.created[uid] = a.time
	return a.time
}

// keepServerSet copies spec fields the manifest leaves out from the stored object.
func keepServerSet(u, existing *unstructured.Unstructured, fields ...string) {
	for _, f := range fields {
		if _, found, _ := unstructured.NestedFieldNoCopy(u.Object, "spec", f); found {
			continue
		}
		if v, found, _ := unstructured.NestedFieldCopy(existing.Object, "spec", f); found {
			unstructured.SetNestedField(u.Object, v, "spec", f)
		}
	}
}
