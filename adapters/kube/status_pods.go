package main

// Pods whose status the caller writes (docs/contract.md: status-managed, as under KWOK). The model
// makes such a pod, or changes it, in one step: its labels, owners and status together. The API
// takes a pod's spec and owners only by create or replace, and its status only through pods/status
// (which takes labels and annotations too, but never ownerReferences:
// pkg/registry/core/pod/strategy.go podStatusStrategy.PrepareForUpdate), so the adapter orders its
// writes so that no controller sees a mix of old and new that the model never shows:
//   - created without labels, then given labels and status in one status write: created with its
//     labels it would be Pending to them, and a ReplicationController would count it and might
//     delete it (docs/fidelity.md F7);
//   - replaced: the replace is validated first (dry run), then labels and status are written, then
//     the replace sets the owners. Relabelled first, a pod leaving a terminal phase would be judged
//     while still terminal (F17); replaced first, an orphaned pod still in its old, active status
//     could be adopted by a ReplicationController before its new status ended it (F25). A
//     controller that adopts or releases the pod between the status write and the replace acted on
//     the pod as the apply leaves it, as the model's controllers act after the apply: the replace
//     keeps its owners. Overwritten, an adoption could be undone under a deletion the manager had
//     just sent, whose event then names no controller, so the manager waits for it until its
//     expectations expire (F36).

import (
	"context"
	"encoding/json"
	"fmt"

	v1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/util/retry"
)

// deletedMeanwhile: a controller deleted the pod between the adapter's writes (F12). The caller's
// write succeeded; `written` is the pod as the caller gave it.
type deletedMeanwhile struct{ written *unstructured.Unstructured }

func (d *deletedMeanwhile) Error() string {
	return fmt.Sprintf("pod %s deleted meanwhile", d.written.GetName())
}

func (a *adapter) createStatusManaged(ctx context.Context, u *unstructured.Unstructured, st v1.PodStatus) (*unstructured.Unstructured, error) {
	labels, annotations := u.GetLabels(), u.GetAnnotations()
	u.SetLabels(nil)
	created, err := a.dyn.Resource(resources["Pod"]).Namespace(u.GetNamespace()).Create(ctx, u, metav1.CreateOptions{FieldManager: "svcspec"})
	if err != nil {
		return nil, err
	}
	updated, err := a.writeStatus(ctx, u.GetNamespace(), u.GetName(), st, labels, annotations)
	if apierrors.IsNotFound(err) {
		created.SetLabels(labels)
		return nil, &deletedMeanwhile{written: created}
	}
	if err != nil {
		return nil, err
	}
	return podObject(updated), nil
}

func (a *adapter) replaceStatusManaged(ctx context.Context, u, existing *unstructured.Unstructured, st v1.PodStatus) (*unstructured.Unstructured, error) {
	pods := a.dyn.Resource(resources["Pod"]).Namespace(u.GetNamespace())
	u.SetResourceVersion(existing.GetResourceVersion())
	keepServerSet(u, existing, "nodeName", "tolerations")
	if _, err := pods.Update(ctx, u, metav1.UpdateOptions{FieldManager: "svcspec", DryRun: []string{metav1.DryRunAll}}); err != nil {
		return nil, err
	}
	relabelled, err := a.writeStatus(ctx, u.GetNamespace(), u.GetName(), st, u.GetLabels(), u.GetAnnotations())
	var result *unstructured.Unstructured
	if err == nil {
		// A controller may write the pod meanwhile (a ReplicationController adopting or releasing it).
		owners := u.GetOwnerReferences()
		err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
			fresh, err := pods.Get(ctx, u.GetName(), metav1.GetOptions{})
			if err != nil {
				return err
			}
			u.SetResourceVersion(fresh.GetResourceVersion())
			u.SetOwnerReferences(ownersAfterApply(owners, relabelled.OwnerReferences, fresh.GetOwnerReferences()))
			u.Object["status"] = fresh.Object["status"]
			result, err = pods.Update(ctx, u, metav1.UpdateOptions{FieldManager: "svcspec"})
			return err
		})
	}
	if apierrors.IsNotFound(err) {
		return nil, &deletedMeanwhile{written: u}
	}
	return result, err
}

// ownersAfterApply: the owners the replace writes. The manifest's, unless a controller changed the
// pod's owners since the status write (relabelled): then the controller's, which it chose for the
// pod as the apply leaves it.
func ownersAfterApply(manifest, relabelled, fresh []metav1.OwnerReference) []metav1.OwnerReference {
	if apiequality.Semantic.DeepEqual(relabelled, fresh) {
		return manifest
	}
	return fresh
}

// writeStatus writes a pod's status with its labels and annotations, retrying when a controller
// wrote the pod meanwhile.
func (a *adapter) writeStatus(ctx context.Context, ns, name string, st v1.PodStatus, labels, annotations map[string]string) (*v1.Pod, error) {
	var updated *v1.Pod
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		pod, err := a.client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		pod.Status = st
		pod.Labels, pod.Annotations = labels, annotations
		updated, err = a.client.CoreV1().Pods(ns).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
		return err
	})
	return updated, err
}

func podObject(pod *v1.Pod) *unstructured.Unstructured {
	b, _ := json.Marshal(pod)
	var o map[string]any
	json.Unmarshal(b, &o)
	o["apiVersion"], o["kind"] = "v1", "Pod"
	return &unstructured.Unstructured{Object: o}
}
