// Command kube-adapter puts the real Kubernetes control plane behind svcspec's adapter protocol
// (docs/adapter.md): JSON requests on stdin, one answer per line on stdout, logs in a temp dir
// (stderr only says where). It runs embedded etcd, kube-apiserver, the endpoints, EndpointSlice,
// EndpointSlice-mirroring and replication controllers, and a small kubelet of its own.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"k8s.io/klog/v2"
)

func main() {
	keep := flag.Bool("keep", false, "keep the temp dir (etcd data, logs) on exit")
	verbosity := flag.String("v", "0", "log level of the control plane (klog -v), for diagnosis")
	vmodule := flag.String("vmodule", "", "per-file log levels (klog -vmodule), e.g. replica_set=4,controller_utils=4")
	flag.Parse()
	root, err := os.MkdirTemp("", "svcspec-kube-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "kube-adapter:", err)
		os.Exit(1)
	}
	if !*keep {
		defer os.RemoveAll(root)
	}
	// The control plane logs plenty; the runner keeps only 16 KiB of stderr and faults past 1 MiB.
	logFile, err := os.Create(root + "/control-plane.log")
	if err != nil {
		fmt.Fprintln(os.Stderr, "kube-adapter:", err)
		os.Exit(1)
	}
	klogFlags := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(klogFlags)
	klogFlags.Set("logtostderr", "false")
	klogFlags.Set("alsologtostderr", "false")
	klogFlags.Set("stderrthreshold", "FATAL")
	for name, value := range map[string]string{"v": *verbosity, "vmodule": *vmodule} {
		if err := klogFlags.Set(name, value); err != nil {
			fmt.Fprintf(os.Stderr, "kube-adapter: -%s: %v\n", name, err)
			os.Exit(2)
		}
	}
	klog.SetOutput(logFile)
	fmt.Fprintf(os.Stderr, "kube-adapter: logs in %s\n", root)

	a := &adapter{root: root, created: map[string]int{}}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			answer := a.handle(line)
			b, _ := json.Marshal(answer)
			out.Write(append(b, '\n'))
			out.Flush()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "kube-adapter: stdin:", err)
			break
		}
	}
	a.shutdown()
}

func (a *adapter) handle(line []byte) map[string]any {
	var req map[string]any
	if err := json.Unmarshal(line, &req); err != nil {
		return map[string]any{"id": nil, "ok": false, "error": badRequest("not JSON: " + err.Error())}
	}
	id := req["id"]
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	answer := a.dispatch(ctx, req)
	answer["id"] = id
	return answer
}
