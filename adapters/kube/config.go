package main

// The cluster configuration of init (docs/contract.md section 1), with the contract's defaults.

import (
	"encoding/binary"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"
)

type clusterInput struct {
	Nodes         []string `json:"nodes"`
	NodeCIDR      string   `json:"nodeCIDR"`
	ServiceCIDR   string   `json:"serviceCIDR"`
	PodCIDR       string   `json:"podCIDR"`
	NodePortRange string   `json:"nodePortRange"`
	ClusterDomain string   `json:"clusterDomain"`
	DNSServiceIP  string   `json:"dnsServiceIP"`
	Timing        string   `json:"timing"`
	// Fields this adapter cannot honour make init refuse (a cloud, ingress controllers).
	CloudLoadBalancer  bool     `json:"cloudLoadBalancer"`
	IngressControllers []string `json:"ingressControllers"`
}

type nodeConfig struct {
	name     string
	ip       string
	podRange *net.IPNet
}

type clusterConfig struct {
	nodes         []nodeConfig
	nodeCIDR      *net.IPNet
	serviceCIDR   *net.IPNet
	podCIDR       *net.IPNet
	nodePortRange string
	clusterDomain string
	dnsServiceIP  string
	kubeServiceIP string
	timing        string
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func ipToInt(ip net.IP) uint32 { return binary.BigEndian.Uint32(ip.To4()) }

func intToIP(n uint32) net.IP {
	b := make(net.IP, 4)
	binary.BigEndian.PutUint32(b, n)
	return b
}

// nthAddress is the n-th address of a range (0 = the network address).
func nthAddress(c *net.IPNet, n int) string { return intToIP(ipToInt(c.IP) + uint32(n)).String() }

func rangeSize(c *net.IPNet) int {
	ones, bits := c.Mask.Size()
	return 1 << (bits - ones)
}

// nodePodRange splits podCIDR evenly as the contract says (model/cluster/config.ts nodePodRange).
func nodePodRange(pod *net.IPNet, index, nodes int) *net.IPNet {
	ones, _ := pod.Mask.Size()
	prefix := ones + int(math.Ceil(math.Log2(math.Max(1, float64(nodes)))))
	if prefix > 28 {
		prefix = 28
	}
	size := uint32(1) << (32 - prefix)
	base := ipToInt(pod.IP) + uint32(index)*size
	return &net.IPNet{IP: intToIP(base), Mask: net.CIDRMask(prefix, 32)}
}

func parseCIDR(text, field string) (*net.IPNet, error) {
	_, c, err := net.ParseCIDR(text)
	if err != nil || c.IP.To4() == nil {
		return nil, fmt.Errorf("cluster.%s: invalid IPv4 CIDR %q", field, text)
	}
	return c, nil
}

func normalizeConfig(in clusterInput) (*clusterConfig, error) {
	if in.CloudLoadBalancer {
		return nil, fmt.Errorf("cluster.cloudLoadBalancer: this control plane has no cloud provider")
	}
	nodeCIDR, err := parseCIDR(orDefault(in.NodeCIDR, "192.168.0.0/24"), "nodeCIDR")
	if err != nil {
		return nil, err
	}
	serviceCIDR, err := parseCIDR(orDefault(in.ServiceCIDR, "10.96.0.0/12"), "serviceCIDR")
	if err != nil {
		return nil, err
	}
	podCIDR, err := parseCIDR(orDefault(in.PodCIDR, "10.244.0.0/16"), "podCIDR")
	if err != nil {
		return nil, err
	}
	names := in.Nodes
	if names == nil {
		names = []string{"node-1", "node-2"}
	}
	cfg := &clusterConfig{
		nodeCIDR:      nodeCIDR,
		serviceCIDR:   serviceCIDR,
		podCIDR:       podCIDR,
		nodePortRange: orDefault(in.NodePortRange, "30000-32767"),
		clusterDomain: strings.TrimSuffix(orDefault(in.ClusterDomain, "cluster.local"), "."),
		dnsServiceIP:  orDefault(in.DNSServiceIP, nthAddress(serviceCIDR, 10)),
		kubeServiceIP: nthAddress(serviceCIDR, 1),
		timing:        orDefault(in.Timing, "sync"),
	}
	if lo, hi, ok := strings.Cut(cfg.nodePortRange, "-"); !ok || atoi(lo) < 1 || atoi(hi) > 65535 || atoi(lo) > atoi(hi) {
		return nil, fmt.Errorf("cluster.nodePortRange: invalid range %q", cfg.nodePortRange)
	}
	for i, n := range names {
		cfg.nodes = append(cfg.nodes, nodeConfig{name: n, ip: nthAddress(nodeCIDR, 10+i), podRange: nodePodRange(podCIDR, i, len(names))})
	}
	return cfg, nil
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return -1
	}
	return n
}

func intOrString(n int) intstr.IntOrString { return intstr.FromInt32(int32(n)) }
