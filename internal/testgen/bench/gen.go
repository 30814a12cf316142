package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
)

// resource is one kind as the bundle stores it and as kubectl cluster-info
// dump writes it (typed list file) or not (then it goes to an extra List).
type resource struct {
	plural, kind, apiVersion string
	dumpFile, dumpList       string // "" = not in a cluster-info dump: extra-<plural>.json List
}

var nsResources = []resource{
	{"events", "Event", "v1", "events.json", "EventList"},
	{"services", "Service", "v1", "services.json", "ServiceList"},
	{"pods", "Pod", "v1", "pods.json", "PodList"},
	{"deployments.apps", "Deployment", "apps/v1", "deployments.json", "DeploymentList"},
	{"replicasets.apps", "ReplicaSet", "apps/v1", "replicasets.json", "ReplicaSetList"},
	{"endpointslices.discovery.k8s.io", "EndpointSlice", "discovery.k8s.io/v1", "", ""},
	{"virtualservices.networking.istio.io", "VirtualService", "networking.istio.io/v1", "", ""},
	{"destinationrules.networking.istio.io", "DestinationRule", "networking.istio.io/v1", "", ""},
	{"gateways.networking.istio.io", "Gateway", "networking.istio.io/v1", "", ""},
}

// item is one bundle entry ready to be written: in memory (data) or a
// section of a file (f, off, size), removed afterwards when tmp is set.
type item struct {
	name      string
	data      []byte
	f         *os.File
	off, size int64
	tmp       bool
	collector *bundle.CollectorStatus
}

type jobResult struct {
	items []item
	uh    [4]int64
	lines int64
	err   error
}

func (r jobResult) cleanup() {
	for _, it := range r.items {
		if it.f != nil {
			it.f.Close()
			if it.tmp {
				os.Remove(it.f.Name())
			}
		}
	}
}

// runOrdered runs n jobs on workers goroutines and hands their results to
// sink in job order, with at most workers+1 results pending (bounded memory
// and temp-file space).
func runOrdered(n, workers int, do func(i int) jobResult, sink func(jobResult) error) error {
	results := make([]chan jobResult, n)
	for i := range results {
		results[i] = make(chan jobResult, 1)
	}
	sem := make(chan struct{}, workers+1)
	next := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			sem <- struct{}{}
			next <- i
		}
		close(next)
	}()
	for k := 0; k < workers; k++ {
		go func() {
			for i := range next {
				results[i] <- do(i)
			}
		}()
	}
	var first error
	for i := 0; i < n; i++ {
		r := <-results[i]
		if first == nil && r.err != nil {
			first = r.err
		}
		if first == nil {
			if err := sink(r); err != nil {
				first = err
			}
		}
		r.cleanup()
		<-sem
	}
	return first
}

// Stats reports what Generate wrote.
type Stats struct {
	Objects, LogFiles   int
	LogLines            int64
	ObjectBytes, LogB   int64
	UH                  [4]int64
	ObjectsT, LogsT, Tt time.Duration
}

func marshalList(items []M, listKind, listAPIVersion string) []byte {
	l := make(L, len(items))
	for i, it := range items {
		l[i] = it
	}
	data, err := json.MarshalIndent(M{"apiVersion": listAPIVersion, "kind": listKind, "items": l,
		"metadata": M{"resourceVersion": ""}}, "", "    ")
	if err != nil {
		panic(err) // maps of plain values: cannot fail
	}
	return append(data, '\n')
}

func writeFileMkdir(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// objectsOf builds the objects of one resource in one namespace.
func (w *world) objectsOf(ns *namespace, res resource, nEvents int) []M {
	var out []M
	switch res.plural {
	case "events":
		out = w.eventsFor(ns, nEvents)
	case "services":
		for _, s := range ns.svcs {
			out = append(out, w.serviceObj(s))
		}
	case "pods":
		for _, d := range ns.deps {
			for _, p := range d.pods {
				out = append(out, w.podObj(p))
			}
		}
	case "deployments.apps":
		for _, d := range ns.deps {
			out = append(out, w.deploymentObj(d))
		}
	case "replicasets.apps":
		for _, d := range ns.deps {
			out = append(out, w.replicaSetObjs(d)...)
		}
	case "endpointslices.discovery.k8s.io":
		for _, s := range ns.svcs {
			out = append(out, w.endpointSliceObjs(s)...)
		}
	case "virtualservices.networking.istio.io":
		for _, s := range ns.svcs {
			if s.routed {
				out = append(out, w.virtualServiceObj(s))
			}
		}
		if ns.mesh {
			out = append(out, w.gatewayVSObj(ns))
		}
	case "destinationrules.networking.istio.io":
		for _, s := range ns.svcs {
			if s.routed {
				out = append(out, w.destinationRuleObj(s))
			}
		}
	case "gateways.networking.istio.io":
		if ns.name == "istio-system" {
			out = append(out, w.gatewayObj())
		}
	}
	return out
}

func frame(ns, pod, c string, start bool) string {
	if start {
		return "==== START logs for container " + c + " of pod " + ns + "/" + pod + " ====\n"
	}
	return "==== END logs for container " + c + " of pod " + ns + "/" + pod + " ====\n"
}

// dumpPrefix is what logs.txt holds before the istio-proxy log: the frames
// of the containers kubectl prints first (init containers, then the app).
func dumpPrefix(p *pod) string {
	var b strings.Builder
	d := p.dep
	if d.sidecar {
		b.WriteString(frame(d.ns, p.name, "istio-init", true))
		b.WriteString(frame(d.ns, p.name, "istio-init", false))
	}
	if d.container != "istio-proxy" {
		b.WriteString(frame(d.ns, p.name, d.container, true))
		b.WriteString(frame(d.ns, p.name, d.container, false))
	}
	if d.sidecar || d.container == "istio-proxy" {
		b.WriteString(frame(d.ns, p.name, "istio-proxy", true))
	}
	return b.String()
}

// Generate writes the bundle (and the dump tree when dumpDir != "").
func Generate(w *world, out, dumpDir, sizeName string, workers int, progress io.Writer) (*Stats, error) {
	st := &Stats{}
	t0 := time.Now()
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	cfg := w.cfg
	bw, err := bundle.Create(out, bundle.Manifest{
		Tool: "nohealthy", ToolVersion: "testgen/bench", CreatedAt: cfg.Now, ClusterVersion: "v1.31.4-eks-2d5f260",
		Context: "bench-" + sizeName,
		Options: map[string]string{"since": "1h", "tail": "-1", "generator": "internal/testgen/bench",
			"size": sizeName, "pods": fmt.Sprint(cfg.Pods), "services": fmt.Sprint(cfg.Services), "logLines": fmt.Sprint(cfg.LogLines * int64(cfg.LogFactor))},
	})
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			bw.Abort()
		}
	}()
	if dumpDir != "" {
		if err := os.MkdirAll(dumpDir, 0o755); err != nil {
			return nil, err
		}
	}
	sink := func(r jobResult) error {
		for _, it := range r.items {
			var err error
			if it.f != nil {
				err = bw.WriteFrom(it.name, io.NewSectionReader(it.f, it.off, it.size), it.size)
				st.LogB += it.size
			} else {
				err = bw.WriteFile(it.name, it.data)
				st.ObjectBytes += int64(len(it.data))
			}
			if err != nil {
				return err
			}
			if it.collector != nil {
				bw.AddCollector(*it.collector)
			}
		}
		for i := range r.uh {
			st.UH[i] += r.uh[i]
		}
		st.LogLines += r.lines
		return nil
	}

	// Events per namespace, proportional to its pods.
	appPods := 0
	for _, ns := range w.nss {
		if ns.mesh {
			for _, d := range ns.deps {
				appPods += len(d.pods)
			}
		}
	}
	eventsOf := func(ns *namespace) int {
		if !ns.mesh || appPods == 0 {
			return 0
		}
		n := 0
		for _, d := range ns.deps {
			n += len(d.pods)
		}
		return int(int64(cfg.Events) * int64(n) / int64(appPods))
	}

	// 1. cluster-scoped objects, then one List per resource and namespace.
	type objJob struct {
		ns  *namespace // nil: cluster scope
		res resource
	}
	var jobs []objJob
	jobs = append(jobs, objJob{nil, resource{"namespaces", "Namespace", "v1", "", ""}}, objJob{nil, resource{"nodes", "Node", "v1", "nodes.json", "NodeList"}})
	for _, ns := range w.nss {
		for _, res := range nsResources {
			jobs = append(jobs, objJob{ns, res})
		}
	}
	var objCount atomic.Int64
	err = runOrdered(len(jobs), workers, func(i int) jobResult {
		j := jobs[i]
		var objs []M
		nsName := ""
		if j.ns == nil {
			if j.res.plural == "namespaces" {
				for _, ns := range w.nss {
					objs = append(objs, w.namespaceObj(ns))
				}
			} else {
				for _, n := range w.nodes {
					objs = append(objs, w.nodeObj(n))
				}
			}
		} else {
			nsName = j.ns.name
			objs = w.objectsOf(j.ns, j.res, eventsOf(j.ns))
		}
		objCount.Add(int64(len(objs)))
		data := marshalList(objs, "List", "v1")
		res := jobResult{items: []item{{name: bundle.ResourcePath(nsName, j.res.plural), data: data,
			collector: &bundle.CollectorStatus{Name: j.res.plural, Kind: j.res.kind, Namespace: nsName, Status: bundle.StatusOK, Count: len(objs)}}}}
		if dumpDir == "" {
			return res
		}
		// the cluster-info dump form of the same objects
		dir := filepath.Join(dumpDir, nsName)
		var derr error
		if j.res.dumpFile != "" {
			for _, o := range objs {
				delete(o, "apiVersion")
				delete(o, "kind")
			}
			derr = writeFileMkdir(filepath.Join(dir, j.res.dumpFile), marshalList(objs, j.res.dumpList, j.res.apiVersion))
		} else {
			derr = writeFileMkdir(filepath.Join(dir, "extra-"+strings.SplitN(j.res.plural, ".", 2)[0]+".json"), data)
		}
		if derr == nil && j.ns != nil && j.res.plural == "pods" {
			derr = w.dumpQuietLogs(j.ns, dumpDir)
		}
		if derr == nil && j.ns != nil && j.res.plural == "events" {
			// kinds cluster-info dump always writes, empty here
			for _, e := range [][2]string{{"daemonsets.json", "DaemonSetList"}, {"replication-controllers.json", "ReplicationControllerList"}} {
				api := "apps/v1"
				if e[1] == "ReplicationControllerList" {
					api = "v1"
				}
				if derr = writeFileMkdir(filepath.Join(dir, e[0]), marshalList(nil, e[1], api)); derr != nil {
					break
				}
			}
		}
		res.err = derr
		return res
	}, sink)
	if err != nil {
		return nil, err
	}
	st.Objects = int(objCount.Load())
	st.ObjectsT = time.Since(t0)
	if progress != nil {
		fmt.Fprintf(progress, "bench: %d objects (%.0f MB) in %.1fs\n", st.Objects, float64(st.ObjectBytes)/1e6, st.ObjectsT.Seconds())
	}

	// 2. access logs: gateways, then sidecars.
	t1 := time.Now()
	logPods := append(append([]*pod{}, w.gwPods...), w.logPods...)
	tmpDir := filepath.Dir(out)
	err = runOrdered(len(logPods), workers, func(i int) jobResult {
		p := logPods[i]
		var f *os.File
		var off int64
		var err error
		if dumpDir != "" {
			path := filepath.Join(dumpDir, p.dep.ns, p.name, "logs.txt")
			if err = os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return jobResult{err: err}
			}
			if f, err = os.Create(path); err != nil {
				return jobResult{err: err}
			}
			pre := dumpPrefix(p)
			if _, err = f.WriteString(pre); err != nil {
				f.Close()
				return jobResult{err: err}
			}
			off = int64(len(pre))
		} else if f, err = os.CreateTemp(tmpDir, ".benchgen-log-*"); err != nil {
			return jobResult{err: err}
		}
		r := jobResult{items: []item{{name: bundle.LogPath(p.dep.ns, p.name, "istio-proxy", false), f: f, off: off, tmp: dumpDir == ""}}}
		n, uh, err := w.writeLog(f, p)
		r.items[0].size, r.uh, r.lines = n, uh, p.logLines
		if err == nil && dumpDir != "" {
			_, err = f.WriteString(frame(p.dep.ns, p.name, "istio-proxy", false))
		}
		r.err = err
		return r
	}, sink)
	if err != nil {
		return nil, err
	}
	st.LogFiles = len(logPods)
	bw.AddCollector(bundle.CollectorStatus{Name: "logs", Status: bundle.StatusOK, Count: len(logPods)})
	bw.AddCollector(bundle.CollectorStatus{Name: "proxy-admin", Status: bundle.StatusSkipped, Message: "not requested (--proxy-admin=false)"})
	if err := bw.Close(); err != nil {
		return nil, err
	}
	ok = true
	st.LogsT = time.Since(t1)
	st.Tt = time.Since(t0)
	return st, nil
}

// dumpQuietLogs writes logs.txt (empty frames) for the pods of ns that
// have no access log: kubectl cluster-info dump writes one for every pod.
func (w *world) dumpQuietLogs(ns *namespace, dumpDir string) error {
	for _, d := range ns.deps {
		for _, p := range d.pods {
			if p.logLines > 0 {
				continue
			}
			s := dumpPrefix(p)
			if d.sidecar || d.container == "istio-proxy" {
				s += frame(d.ns, p.name, "istio-proxy", false)
			}
			if err := writeFileMkdir(filepath.Join(dumpDir, ns.name, p.name, "logs.txt"), []byte(s)); err != nil {
				return err
			}
		}
	}
	return nil
}

// expectedYAML is the corpus expected.yaml for the planted causes, best
// (most UH lines) first.
func (w *world) expectedYAML(uh [4]int64, desc string) []byte {
	order := []int{plantSubset, plantReadiness, plantSelector}
	sort.SliceStable(order, func(i, j int) bool { return uh[order[i]] > uh[order[j]] })
	var b bytes.Buffer
	fmt.Fprintf(&b, "description: >-\n  %s\n", desc)
	b.WriteString("rootCauses:   # best first (most UH lines first)\n")
	for _, p := range order {
		s := w.planted[p]
		switch p {
		case plantSubset:
			fmt.Fprintf(&b, "  - cause: subset-no-pods   # %d UH lines on outbound|%d|v1|%s\n    object: {kind: DestinationRule, namespace: %s, name: %s}\n    detail: subset v1\n",
				uh[p], s.port, s.fqdn(), s.ns, s.name)
		case plantReadiness:
			fmt.Fprintf(&b, "  - cause: readiness-probe-failing   # %d UH lines on outbound|%d||%s\n    object: {kind: Deployment, namespace: %s, name: %s}\n",
				uh[p], s.port, s.fqdn(), s.ns, s.deps[0].name)
		case plantSelector:
			fmt.Fprintf(&b, "  - cause: selector-mismatch   # %d UH lines on outbound|%d||%s\n    object: {kind: Service, namespace: %s, name: %s}\n",
				uh[p], s.port, s.fqdn(), s.ns, s.name)
		}
	}
	return b.Bytes()
}
