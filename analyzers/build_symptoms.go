package analyzers

import (
	"cmp"
	"net"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/kinds"
)

// envoyCluster is an Istio cluster name taken apart.
type envoyCluster struct {
	direction, subset, host string
	port                    int
}

// parseEnvoyCluster reads "outbound|9080|v1|reviews.ns.svc.cluster.local"
// and the SNI form "outbound_.9080_.v1_.reviews.ns.svc.cluster.local".
func parseEnvoyCluster(name string) (envoyCluster, bool) {
	name = strings.TrimSuffix(name, ";")
	sep := "|"
	if strings.Count(name, "|") != 3 {
		if strings.Count(name, "_.") < 3 {
			return envoyCluster{}, false
		}
		sep = "_."
	}
	// Cut, not Split: a big incident parses tens of thousands of names,
	// and a slice per name was garbage the facts phase paced itself on.
	direction, rest, _ := strings.Cut(name, sep)
	port, rest, _ := strings.Cut(rest, sep)
	subset, host, _ := strings.Cut(rest, sep)
	n, _ := strconv.Atoi(port)
	return envoyCluster{direction: direction, port: n, subset: subset, host: host}, true
}

// connectFailureKinds and dnsKinds are the symptom kinds logscan's
// registry marks ConnectFailure (a connection to a known backend failed,
// rather than no backend being known) and DNS.
var connectFailureKinds, dnsKinds = func() (connect, dns map[string]bool) {
	connect, dns = map[string]bool{}, map[string]bool{}
	for _, k := range logscan.Kinds() {
		connect[k.ID], dns[k.ID] = k.ConnectFailure, k.DNS
	}
	return connect, dns
}()

// symptomsPerWorker: fewer groups than this per core are not worth a goroutine.
var symptomsPerWorker = 2000

func (b *builder) buildSymptoms(syms []*logscan.Symptom) {
	// Most lines first, ties in the aggregator's order.
	slices.SortStableFunc(syms, func(x, y *logscan.Symptom) int { return cmp.Compare(y.Count, x.Count) })
	if b.samples != nil {
		b.sampleRefs = make([]logscan.SampleRefs, len(syms))
		for i, s := range syms {
			b.sampleRefs[i] = s.SampleRefs()
		}
	}
	// Each fact depends only on its group and on maps built before: derive
	// them on every core, each worker with its own string interner, then
	// add the counts to the Services in order.
	facts := make([]*SymptomFact, len(syms))
	credit := make([]*ServiceFact, len(syms))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(syms)/symptomsPerWorker))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			keys := &symptomKeys{}
			for i := w; i < len(syms); i += workers {
				facts[i], credit[i] = b.symptomFact(i, syms[i], keys)
			}
		})
	}
	wg.Wait()
	for i, f := range facts {
		s := syms[i]
		if sf := credit[i]; sf != nil {
			sf.SymptomCount += s.Count
			if connectFailureKinds[s.Kind] {
				sf.ConnectFailures += s.Count
			}
		}
		if s.Format.Spec().Mesh {
			b.cluster.EnvoySymptoms += s.Count
		}
		if dnsKinds[s.Kind] {
			b.cluster.DNSSymptoms += s.Count
		}
		b.facts.Symptoms = append(b.facts.Symptoms, f)
	}
}

// symptomFact derives the fact of group s, the i-th by line count, and
// the Service whose counts it adds to (nil when none). It only reads the
// builder, so facts are derived concurrently.
func (b *builder) symptomFact(i int, s *logscan.Symptom, keyset *symptomKeys) (*SymptomFact, *ServiceFact) {
	f := &SymptomFact{
		ID: "S" + strconv.Itoa(i+1), Kind: s.Kind, Format: string(s.Format), Count: s.Count,
		Upstream: s.Upstream, UpstreamHost: s.UpstreamHost, Route: s.Route, Authority: s.Authority,
		Details: s.Details, Code: s.Code, Samples: s.Samples,
	}
	if f.Samples == nil && b.samples == nil {
		f.Samples = []string{}
	}
	if !s.First.IsZero() {
		f.First, f.Last = keyset.time(s.First), keyset.time(s.Last)
		f.rate = s.Rate
	}
	keys := keyset.start()
	var credit *ServiceFact
	if s.Origin.Pod != "" {
		f.Reporter = Ref{Kind: "Pod", Namespace: s.Origin.Namespace, Name: s.Origin.Pod}
		keys.add("pod:", s.Origin.Namespace, "/", s.Origin.Pod)
		if p, ok := kinds.Pods.In(b.s)[key(s.Origin.Namespace, s.Origin.Pod)]; ok {
			f.ReporterWorkload = b.ix.owner[p]
		} else {
			f.ReporterWorkload = guessWorkload(s.Origin.Namespace, s.Origin.Pod)
		}
		keys.add("wl:", f.ReporterWorkload.Kind, "/", f.ReporterWorkload.Namespace, "/", f.ReporterWorkload.Name)
		if w := b.workloadByRef[f.ReporterWorkload]; w != nil {
			f.ReporterRole = w.Role
		} else {
			f.ReporterRole = roleOf(s.Origin.Namespace, f.ReporterWorkload.Name, nil)
		}
	} else if s.Origin.File != "" {
		// A log of unknown origin reports as itself, by its file name, so
		// that two such logs stay two reporters.
		f.Reporter = Ref{Kind: "Log", Name: s.Origin.File}
	}
	if s.Origin.Pod == "" && s.Origin.File != "" {
		// A log file named after a Docker container: docker logs web > web.log.
		if rep, wl, ok := b.docker.dockerReporter(s.Origin.File); ok {
			f.Reporter, f.ReporterWorkload = rep, wl
			keys.add("container:", rep.Name)
		}
	}
	svc := b.gatewayAPISymptom(s, b.resolveUpstream(f, s), keys)
	if svc != nil {
		sf := b.serviceByKey[key(svc.Namespace, svc.Name)]
		f.Service = Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}
		f.ServiceFound = true
		f.ServiceReady = sf != nil && !sf.NoReadyBackends
		keys.add("svc:", svc.Namespace, "/", svc.Name)
		if f.FQDN == "" {
			f.FQDN = keys.intern(svc.Name, ".", svc.Namespace, ".svc.cluster.local")
		}
		if f.Subset != "" {
			keys.add("subset:", svc.Namespace, "/", svc.Name, "/", f.Subset)
		}
		credit = sf
	}
	if f.FQDN != "" {
		keys.add("host:", f.FQDN)
		if f.Subset != "" && svc == nil {
			keys.add("subset:?/", f.FQDN, "/", f.Subset)
		}
	}
	if f.Authority != "" {
		keys.add("authority:", stripPort(f.Authority))
	}
	if svc == nil && f.Upstream != "" && f.FQDN == "" {
		keys.add("upstream:", f.Upstream)
	}
	if s.Format.Spec().Mesh && !b.configuredOutsideMesh(s.Origin) {
		keys.add("global:mesh")
	}
	if dnsKinds[s.Kind] {
		keys.add("global:dns")
	}
	f.Keys = keys.sorted()
	return f, credit
}

// guessWorkload names the workload of a pod that is not in the bundle from
// its name: <deployment>-<rs hash>-<suffix> or <daemonset>-<suffix>.
func guessWorkload(ns, pod string) Ref {
	parts := strings.Split(pod, "-")
	if len(parts) >= 3 && len(parts[len(parts)-2]) >= 8 && len(parts[len(parts)-1]) == 5 {
		return Ref{Kind: "Deployment", Namespace: ns, Name: strings.Join(parts[:len(parts)-2], "-")}
	}
	if len(parts) >= 2 && len(parts[len(parts)-1]) == 5 {
		return Ref{Kind: "DaemonSet", Namespace: ns, Name: strings.Join(parts[:len(parts)-1], "-")}
	}
	return Ref{Kind: "Pod", Namespace: ns, Name: pod}
}

func stripPort(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

// resolveUpstream maps a symptom's upstream to a Service, filling FQDN and
// Subset on f.
func (b *builder) resolveUpstream(f *SymptomFact, s *logscan.Symptom) *corev1.Service {
	up := strings.TrimSuffix(s.Upstream, ";")
	if c, ok := parseEnvoyCluster(up); ok {
		if c.direction == "inbound" {
			// The sidecar's own app: the Services selecting the reporter.
			if p, ok := kinds.Pods.In(b.s)[key(s.Origin.Namespace, s.Origin.Pod)]; ok {
				if sf := b.svcByWorkload[b.ix.owner[p]]; len(sf) > 0 {
					return kinds.Services.In(b.s)[key(sf[0].Namespace, sf[0].Name)]
				}
			}
			return nil
		}
		f.Subset = c.subset
		// Envoy names a cluster after the host's FQDN: no expansion.
		fq := istioFQDN(c.host, s.Origin.Namespace)
		f.FQDN = fq
		return b.ix.serviceByFQDN(fq)
	}
	if svc := b.upstreamNames[up]; svc != nil {
		return svc
	}
	if strings.Count(up, "/") == 1 && !strings.Contains(up, ":") { // "ns/name" from the ingress controller
		if svc, ok := kinds.Services.In(b.s)[up]; ok {
			return svc
		}
	}
	hostport := up
	if i := strings.Index(hostport, "://"); i >= 0 {
		hostport = hostport[i+3:]
		if j := strings.IndexByte(hostport, '/'); j >= 0 {
			hostport = hostport[:j]
		}
		if svc := b.upstreamNames[hostport]; svc != nil { // nginx: http://<upstream group>/path
			return svc
		}
	}
	for _, cand := range []string{hostport, s.UpstreamHost} {
		if cand == "" || cand == "-" {
			continue
		}
		if svc := b.serviceForAddress(cand); svc != nil {
			f.FQDN = svc.Name + "." + svc.Namespace + ".svc.cluster.local"
			return svc
		}
	}
	return nil
}

// indexUpstreamNames records the names ingress-nginx gives its upstreams
// (<ns>-<svc>-<port number or name>) so access lines map back to Services.
func (b *builder) indexUpstreamNames() {
	for _, svc := range inKeyOrder(kinds.Services.In(b.s)) {
		for _, p := range svc.Spec.Ports {
			b.upstreamNames[svc.Namespace+"-"+svc.Name+"-"+strconv.Itoa(int(p.Port))] = svc
			if p.Name != "" {
				b.upstreamNames[svc.Namespace+"-"+svc.Name+"-"+p.Name] = svc
			}
		}
	}
}

// symptomKeys builds the keys of tens of thousands of symptom facts. Most
// are shared (one pod reports many groups, many groups name one Service),
// so each distinct string is made once and shared, and the per-symptom set
// is a reused slice rather than a map.
type symptomKeys struct {
	strs  map[string]string
	times map[int64]string
	buf   []byte
	set   []string
}

func (k *symptomKeys) intern(parts ...string) string {
	k.buf = k.buf[:0]
	for _, p := range parts {
		k.buf = append(k.buf, p...)
	}
	if s, ok := k.strs[string(k.buf)]; ok {
		return s
	}
	if k.strs == nil {
		k.strs = map[string]string{}
	}
	s := string(k.buf)
	k.strs[s] = s
	return s
}

// time formats t as RFC3339 (whole seconds, UTC), once per second seen.
func (k *symptomKeys) time(t time.Time) string {
	u := t.Unix()
	if s, ok := k.times[u]; ok {
		return s
	}
	if k.times == nil {
		k.times = map[int64]string{}
	}
	s := t.UTC().Format(time.RFC3339)
	k.times[u] = s
	return s
}

// start begins the key set of one symptom.
func (k *symptomKeys) start() *symptomKeys {
	k.set = k.set[:0]
	return k
}

func (k *symptomKeys) add(parts ...string) {
	k.set = append(k.set, k.intern(parts...))
}

// sorted returns the set's keys sorted, without repeats, in a new slice.
func (k *symptomKeys) sorted() []string {
	slices.Sort(k.set)
	return slices.Clone(slices.Compact(k.set))
}
