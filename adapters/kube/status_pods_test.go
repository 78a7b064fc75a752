package main

import (
	"testing"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// The replace of a status-managed pod writes the manifest's owners unless a controller adopted or
// released the pod after its status write; then it keeps the controller's (F36).
func TestOwnersAfterApplyKeepsAControllersChoice(t *testing.T) {
	rc := []metav1.OwnerReference{{APIVersion: "v1", Kind: "ReplicationController", Name: "rc", UID: "u1", Controller: ptr.To(true)}}
	cases := []struct {
		name                        string
		manifest, relabelled, fresh []metav1.OwnerReference
		want                        []metav1.OwnerReference
	}{
		{"nobody wrote the pod meanwhile", nil, nil, nil, nil},
		{"the manifest's owners replace the pod's", nil, rc, rc, nil},
		{"adopted meanwhile", nil, nil, rc, rc},
		{"released meanwhile", rc, rc, nil, nil},
	}
	for _, c := range cases {
		got := ownersAfterApply(c.manifest, c.relabelled, c.fresh)
		if !apiequality.Semantic.DeepEqual(got, c.want) {
			t.Errorf("%s: owners %v, want %v", c.name, got, c.want)
		}
	}
}
