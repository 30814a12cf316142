package main

import (
	"fmt"
	"time"
)

// Flavor is the kind of cluster a case runs on: it decides node names,
// address ranges and versions, so that cases do not all look like kind.
type Flavor struct {
	Name      string
	PodNet    string // first two octets of pod IPs
	SvcNet    string // first two octets of ClusterIPs
	NodeNet   string // first three octets of node IPs
	Kubelet   string
	Runtime   string
	OSImage   string
	Kernel    string
	Region    string
	nodeNames func(i int, cp bool) string
}

// Flavors used by the corpus.
var (
	Kubeadm = Flavor{Name: "kubeadm", PodNet: "10.244", SvcNet: "10.96", NodeNet: "192.168.10",
		Kubelet: "v1.30.2", Runtime: "containerd://1.7.18", OSImage: "Ubuntu 22.04.4 LTS", Kernel: "5.15.0-113-generic",
		nodeNames: func(i int, cp bool) string {
			if cp {
				return fmt.Sprintf("cp-%d", i+1)
			}
			return fmt.Sprintf("worker-%d", i+1)
		}}
	EKS = Flavor{Name: "eks", PodNet: "10.0", SvcNet: "172.20", NodeNet: "10.0.1", Region: "eu-west-1",
		Kubelet: "v1.29.6-eks-1552ad0", Runtime: "containerd://1.7.11", OSImage: "Amazon Linux 2", Kernel: "5.10.219-208.866.amzn2.x86_64",
		nodeNames: func(i int, cp bool) string {
			return fmt.Sprintf("ip-10-0-1-%d.eu-west-1.compute.internal", 21+i*17)
		}}
	GKE = Flavor{Name: "gke", PodNet: "10.8", SvcNet: "10.12", NodeNet: "10.128.0", Region: "europe-west4",
		Kubelet: "v1.28.9-gke.1289000", Runtime: "containerd://1.7.13", OSImage: "Container-Optimized OS from Google", Kernel: "6.1.85+",
		nodeNames: func(i int, cp bool) string {
			return fmt.Sprintf("gke-prod-default-pool-3f2a9c1d-%s", suffix(fmt.Sprint("gke", i), 4))
		}}
	K3s = Flavor{Name: "k3s", PodNet: "10.42", SvcNet: "10.43", NodeNet: "192.168.1",
		Kubelet: "v1.30.3+k3s1", Runtime: "containerd://1.7.17-k3s1", OSImage: "Debian GNU/Linux 12 (bookworm)", Kernel: "6.1.0-23-amd64",
		nodeNames: func(i int, cp bool) string {
			if cp {
				return fmt.Sprintf("k3s-server-%d", i+1)
			}
			return fmt.Sprintf("k3s-agent-%d", i+1)
		}}
	AKS = Flavor{Name: "aks", PodNet: "10.244", SvcNet: "10.0", NodeNet: "10.224.0", Region: "westeurope",
		Kubelet: "v1.31.1", Runtime: "containerd://1.7.22-1", OSImage: "Ubuntu 22.04.5 LTS", Kernel: "5.15.0-1073-azure",
		nodeNames: func(i int, cp bool) string {
			return fmt.Sprintf("aks-nodepool1-38291745-vmss%06d", i)
		}}
)

// Node is a cluster node.
type Node struct {
	Name, IP, CIDR string
	Index          int
	ControlPlane   bool
	Ready          string // True, False, Unknown
	Taints         []M
	Labels         map[string]string
	podN           int
	notReadySince  time.Time
	obj            *Obj
}

// Cluster creates the nodes: cp control-plane nodes (visible on kubeadm/k3s)
// and workers. Returns the workers.
func (c *Case) Cluster(f Flavor, cp, workers int) []*Node {
	c.flavor = f
	var ws []*Node
	for i := 0; i < cp+workers; i++ {
		isCP := i < cp
		idx := i
		if !isCP {
			idx = i - cp
		}
		n := &Node{Name: f.nodeNames(idx, isCP), Index: i, ControlPlane: isCP, Ready: "True"}
		n.IP = fmt.Sprintf("%s.%d", f.NodeNet, 10+i*7+int(hashN(c.Name)%5))
		if f.Name == "eks" {
			n.IP = fmt.Sprintf("10.0.1.%d", 21+idx*17)
		}
		n.CIDR = fmt.Sprintf("%s.%d.0/24", f.PodNet, i)
		n.Labels = map[string]string{
			"kubernetes.io/arch":      "amd64",
			"kubernetes.io/hostname":  n.Name,
			"kubernetes.io/os":        "linux",
			"beta.kubernetes.io/arch": "amd64",
			"beta.kubernetes.io/os":   "linux",
		}
		if f.Region != "" {
			zone := f.Region + string(rune('a'+i%3))
			if f.Name == "aks" || f.Name == "gke" {
				zone = fmt.Sprintf("%s-%c", f.Region, 'a'+i%3)
				if f.Name == "aks" {
					zone = fmt.Sprintf("%s-%d", f.Region, 1+i%3)
				}
			}
			n.Labels["topology.kubernetes.io/region"] = f.Region
			n.Labels["topology.kubernetes.io/zone"] = zone
		}
		if isCP {
			n.Labels["node-role.kubernetes.io/control-plane"] = ""
			if f.Name == "k3s" {
				n.Labels["node-role.kubernetes.io/master"] = "true"
				n.Labels["node-role.kubernetes.io/control-plane"] = "true"
			} else {
				n.Taints = append(n.Taints, M{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"})
			}
		}
		c.nodes = append(c.nodes, n)
		if !isCP {
			ws = append(ws, n)
		}
	}
	c.workers = ws
	return ws
}

// NodeNotReady marks a node unreachable (kubelet stopped posting status) since t.
func (c *Case) NodeNotReady(n *Node, since time.Time) {
	n.Ready = "Unknown"
	n.notReadySince = since
	n.Taints = append(n.Taints,
		M{"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable", "timeAdded": ts(since.Add(40 * Sec))},
		M{"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "timeAdded": ts(since.Add(45 * Sec))})
	c.Event(EventSpec{Obj: Ref{"Node", "", n.Name}, UID: uid("Node", n.Name), Type: "Normal", Reason: "NodeNotReady",
		Message: fmt.Sprintf("Node %s status is now: NodeNotReady", n.Name), Component: "node-controller",
		First: since.Add(40 * Sec), Count: 1})
}

func (c *Case) buildNodes() {
	for _, n := range c.nodes {
		created := c.Now.Add(-time.Duration(40+n.Index) * Day)
		hb := c.Now.Add(-time.Duration(10+n.Index%4*7) * Sec)
		cond := func(typ, status, reason, msg string, since time.Time, hbt time.Time) M {
			return M{"lastHeartbeatTime": ts(hbt), "lastTransitionTime": ts(since), "message": msg, "reason": reason, "status": status, "type": typ}
		}
		var conds L
		if n.Ready == "Unknown" {
			lost := n.notReadySince
			for _, t := range []string{"MemoryPressure", "DiskPressure", "PIDPressure", "Ready"} {
				conds = append(conds, cond(t, "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", lost.Add(40*Sec), lost.Add(-5*Sec)))
			}
		} else {
			conds = L{
				cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", created, hb),
				cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", created, hb),
				cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", created, hb),
				cond("Ready", "True", "KubeletReady", "kubelet is posting ready status", created.Add(30*Sec), hb),
			}
			if n.Ready == "False" {
				conds[3] = cond("Ready", "False", "KubeletNotReady", "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized", n.notReadySince, hb)
			}
		}
		cpu, mem := "4", "16374584Ki"
		if c.flavor.Name == "gke" || c.flavor.Name == "aks" {
			cpu, mem = "8", "32863324Ki"
		}
		spec := M{"podCIDR": n.CIDR, "podCIDRs": L{n.CIDR}}
		switch c.flavor.Name {
		case "eks":
			spec["providerID"] = fmt.Sprintf("aws:///%sa/i-0%s", c.flavor.Region, hexid(n.Name, 16))
		case "gke":
			spec["providerID"] = fmt.Sprintf("gce://prod-project-381204/%s-a/%s", c.flavor.Region, n.Name)
		case "aks":
			spec["providerID"] = fmt.Sprintf("azure:///subscriptions/6f1c2e5a-0b7d-4a8e-9c3f-2d4b1e7a9c10/resourceGroups/mc_prod_aks_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-38291745-vmss/virtualMachines/%d", n.Index)
		}
		if len(n.Taints) > 0 {
			var t L
			for _, x := range n.Taints {
				t = append(t, x)
			}
			spec["taints"] = t
		}
		o := &Obj{APIVersion: "v1", Kind: "Node", Name: n.Name, M: M{
			"metadata": M{
				"annotations": M{
					"node.alpha.kubernetes.io/ttl":                           "0",
					"volumes.kubernetes.io/controller-managed-attach-detach": "true",
				},
				"creationTimestamp": ts(created),
				"labels":            n.Labels,
				"name":              n.Name,
				"resourceVersion":   c.nextRV(),
				"uid":               uid("Node", n.Name),
			},
			"spec": spec,
			"status": M{
				"addresses":       L{M{"address": n.IP, "type": "InternalIP"}, M{"address": n.Name, "type": "Hostname"}},
				"allocatable":     M{"cpu": cpu, "ephemeral-storage": "95491281146", "hugepages-2Mi": "0", "memory": mem, "pods": "110"},
				"capacity":        M{"cpu": cpu, "ephemeral-storage": "103615928Ki", "hugepages-2Mi": "0", "memory": mem, "pods": "110"},
				"conditions":      conds,
				"daemonEndpoints": M{"kubeletEndpoint": M{"Port": 10250}},
				"nodeInfo": M{
					"architecture": "amd64", "bootID": uid("boot", n.Name), "containerRuntimeVersion": c.flavor.Runtime,
					"kernelVersion": c.flavor.Kernel, "kubeProxyVersion": c.flavor.Kubelet, "kubeletVersion": c.flavor.Kubelet,
					"machineID": hexid("machine"+n.Name, 32), "operatingSystem": "linux", "osImage": c.flavor.OSImage,
					"systemUUID": uid("sys", n.Name),
				},
			},
		}}
		n.obj = c.add(o)
	}
}
