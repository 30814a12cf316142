package analyzers

import (
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

// Proxies outside the mesh (HAProxy, nginx, a standalone Envoy) name their
// upstreams in their own configuration, usually mounted from a ConfigMap.
// Reading the server addresses of each upstream lets a log line about
// "be_catalog" or "media_api" be tied to the Service behind it.

var (
	haproxyBackendRE = regexp.MustCompile(`^\s*backend\s+(\S+)`)
	haproxyServerRE  = regexp.MustCompile(`^\s*server(?:-template)?\s+\S+\s+(?:\d+\s+)?([^\s]+)`)
	nginxUpstreamRE  = regexp.MustCompile(`^\s*upstream\s+([^\s{]+)\s*\{`)
	nginxServerRE    = regexp.MustCompile(`^\s*server\s+([^\s;]+)`)
	envoyClusterRE   = regexp.MustCompile(`^\s*(?:-\s*)?(?:name|cluster_name):\s*"?([A-Za-z0-9_.|:-]+)"?\s*$`)
	envoyAddressRE   = regexp.MustCompile(`address:\s*"?([A-Za-z0-9_.:-]+)"?\s*,?\s*port_value:\s*(\d+)`)
)

// configUpstreams maps upstream names found in ConfigMap data to the
// addresses (host or host:port) of their servers.
func configUpstreams(cms map[string]*corev1.ConfigMap) map[string][]string {
	out := map[string][]string{}
	for _, k := range sortedKeys(cms) {
		for _, dk := range sortedKeys(cms[k].Data) {
			v := cms[k].Data[dk]
			if len(v) > 1<<20 {
				continue
			}
			parseProxyConfig(v, out)
		}
	}
	return out
}

func parseProxyConfig(text string, out map[string][]string) {
	cur := ""
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		switch {
		case haproxyBackendRE.MatchString(line):
			cur = haproxyBackendRE.FindStringSubmatch(line)[1]
		case nginxUpstreamRE.MatchString(line):
			cur = nginxUpstreamRE.FindStringSubmatch(line)[1]
		case envoyClusterRE.MatchString(line):
			cur = envoyClusterRE.FindStringSubmatch(line)[1]
		case cur != "" && haproxyServerRE.MatchString(line) && !strings.Contains(line, ";"):
			out[cur] = append(out[cur], haproxyServerRE.FindStringSubmatch(line)[1])
		case cur != "" && nginxServerRE.MatchString(line):
			out[cur] = append(out[cur], nginxServerRE.FindStringSubmatch(line)[1])
		case cur != "" && envoyAddressRE.MatchString(line):
			m := envoyAddressRE.FindStringSubmatch(line)
			out[cur] = append(out[cur], m[1]+":"+m[2])
		}
	}
}

// indexConfigUpstreams adds config-declared upstream names to upstreamNames.
func (b *builder) indexConfigUpstreams() {
	for name, addrs := range configUpstreams(kinds.ConfigMaps.In(b.s)) {
		if _, taken := b.upstreamNames[name]; taken {
			continue
		}
		for _, a := range addrs {
			if svc := b.serviceForAddress(a); svc != nil {
				b.upstreamNames[name] = svc
				break
			}
		}
	}
}

// serviceForAddress resolves "host[:port]" to a Service: a Service DNS name,
// a ClusterIP, or a pod IP behind a Service.
func (b *builder) serviceForAddress(a string) *corev1.Service {
	h := stripPort(a)
	// DNS SRV names (_http._tcp.svc.ns.svc.cluster.local) name the Service too.
	for strings.HasPrefix(h, "_") {
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	if svc, ok := b.ix.svcByIP[h]; ok {
		return svc
	}
	if p, ok := b.ix.podsByIP[h]; ok {
		if sf := b.svcByWorkload[b.ix.owner[p]]; len(sf) > 0 {
			return kinds.Services.In(b.s)[key(sf[0].Namespace, sf[0].Name)]
		}
	}
	if strings.Contains(h, ".svc") || strings.Count(h, ".") == 1 {
		if svc := b.ix.serviceByFQDN(dnsFQDN(h, "")); svc != nil {
			return svc
		}
	}
	return nil
}

// LooksLikeProxyConfig is a cheap test for ConfigMap values worth parsing.
func LooksLikeProxyConfig(d string) bool {
	return strings.Contains(d, "backend ") || strings.Contains(d, "upstream ") || strings.Contains(d, "clusters:") ||
		strings.Contains(d, "socket_address")
}
