package main

// The control plane: one embedded etcd for the process, and per init a fresh kube-apiserver on
// its own etcd key prefix (as the upstream integration tests share one etcd: test/integration/
// framework SharedEtcd), started the way cmd/kube-apiserver/app/testing/testserver.go starts it.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/embed"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/kubernetes"
	restclient "k8s.io/client-go/rest"
	"k8s.io/client-go/util/keyutil"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

type etcdServer struct {
	dir  string
	url  string
	etcd *embed.Etcd
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startEtcd starts etcd in this process, data in a temp dir, fsync off (nothing here must survive).
func startEtcd(root string) (*etcdServer, error) {
	cfg := embed.NewConfig()
	cfg.Name = "svcspec"
	cfg.Dir = filepath.Join(root, "etcd")
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{filepath.Join(root, "etcd.log")}
	clientPort, err := freePort()
	if err != nil {
		return nil, err
	}
	peerPort, err := freePort()
	if err != nil {
		return nil, err
	}
	cu, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(clientPort))
	pu, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(peerPort))
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*cu}, []url.URL{*cu}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*pu}, []url.URL{*pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, fmt.Errorf("etcd: not ready after 60s")
	}
	return &etcdServer{dir: cfg.Dir, url: cu.String(), etcd: e}, nil
}

// revision is etcd's current revision: it moves with every write anybody makes.
func (e *etcdServer) revision() int64 { return e.etcd.Server.KV().Rev() }

type apiServer struct {
	config *restclient.Config
	cancel context.CancelFunc
	done   chan struct{}
	dir    string
}

// startAPIServer runs kube-apiserver in this process with init's service range and nodePort range.
func startAPIServer(root string, etcdURL string, cfg *clusterConfig) (*apiServer, error) {
	dir, err := os.MkdirTemp(root, "apiserver-")
	if err != nil {
		return nil, err
	}
	s := options.NewServerRunOptions()
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	for _, f := range s.Flags().FlagSets {
		fs.AddFlagSet(f)
	}
	flags := []string{
		// As the integration tests run it (test/integration/framework DefaultTestServerFlags).
		"--endpoint-reconciler-type=none",
		"--disable-admission-plugins=ServiceAccount",
		"--service-cluster-ip-range=" + cfg.serviceCIDR.String(),
		"--service-node-port-range=" + cfg.nodePortRange,
		"--bind-address=127.0.0.1",
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.SecureServing.Listener = listener
	s.SecureServing.BindPort = listener.Addr().(*net.TCPAddr).Port
	// Self-signed serving certificates are generated into the temp dir.
	s.SecureServing.ServerCert.CertDirectory = dir
	s.SecureServing.ExternalAddress = net.ParseIP("127.0.0.1")

	storage := storagebackend.NewDefaultConfig(path.Join(uuid.New().String(), "registry"), nil)
	storage.Transport.ServerList = []string{etcdURL}
	s.Etcd.StorageConfig = *storage

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	pem, err := keyutil.MarshalPrivateKeyToPEM(key)
	if err != nil {
		return nil, err
	}
	keyFile := filepath.Join(dir, "service-account.key")
	if err := keyutil.WriteKey(keyFile, pem); err != nil {
		return nil, err
	}
	s.ServiceAccountSigningKeyFile = keyFile
	s.Authentication.ServiceAccounts.Issuers = []string{"https://svcspec.invalid"}
	s.Authentication.ServiceAccounts.KeyFiles = []string{keyFile}

	ctx, cancel := context.WithCancel(context.Background())
	fail := func(err error) (*apiServer, error) {
		cancel()
		return nil, err
	}
	completed, err := s.Complete(ctx)
	if err != nil {
		return fail(err)
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return fail(utilerrors.NewAggregate(errs))
	}
	config, err := app.NewConfig(completed)
	if err != nil {
		return fail(err)
	}
	// The API server's own kubernetes-Service controller is left out: the adapter runs the same
	// controller (pkg/controlplane/controller/kubernetesservice) on model time, with the address a
	// kubeadm control plane advertises (the first node, port 6443) instead of this loopback listener.
	config.KubeAPIs.ControlPlane.Generic.DisabledPostStartHooks.Insert("bootstrap-controller")
	complete, err := config.Complete()
	if err != nil {
		return fail(err)
	}
	server, err := app.CreateServerChain(complete)
	if err != nil {
		return fail(err)
	}
	a := &apiServer{cancel: cancel, done: make(chan struct{}), dir: dir}
	errCh := make(chan error, 1)
	go func() {
		defer close(a.done)
		prepared, err := server.PrepareRun()
		if err != nil {
			errCh <- err
			return
		}
		if err := prepared.Run(ctx); err != nil {
			errCh <- err
		}
	}()
	a.config = restclient.CopyConfig(server.GenericAPIServer.LoopbackClientConfig)
	a.config.QPS, a.config.Burst = 10000, 10000
	client, err := kubernetes.NewForConfig(a.config)
	if err != nil {
		a.stop()
		return nil, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-errCh:
			a.stop()
			return nil, fmt.Errorf("kube-apiserver: %w", err)
		default:
		}
		status := 0
		client.CoreV1().RESTClient().Get().AbsPath("/readyz").Do(ctx).StatusCode(&status)
		if status == 200 {
			if _, err := client.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{}); err == nil {
				if _, err := client.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{}); err == nil {
					break
				}
			}
		}
		if time.Now().After(deadline) {
			a.stop()
			return nil, fmt.Errorf("kube-apiserver: not ready after 60s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return a, nil
}

func (a *apiServer) stop() {
	a.cancel()
	select {
	case <-a.done:
	case <-time.After(10 * time.Second):
	}
	os.RemoveAll(a.dir)
}
