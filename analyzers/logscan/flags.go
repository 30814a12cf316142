package logscan

// Envoy %RESPONSE_FLAGS% handling.
//
// flagTable lists every flag of Envoy's substitution_formatter.rst and
// stream_info/utility.h (testdata/envoy_response_flags.tsv is the copy
// the tests check it against), so the flag field of a line validates
// whatever it holds. A flag is a symptom exactly when the symptom-kind
// registry (kindTable) lists it: the others describe the downstream (DC,
// DPE, DR), local policy (RL, UAEX, RLSE, FI, DI, IH) or are informational
// (RFCF, DT, ...) and produce no symptom.

// flagTable: index = bit in a flag mask. Order follows the TSV.
var flagTable = [...]string{
	"UH",    // NoHealthyUpstream, 503
	"UF",    // UpstreamConnectionFailure, 503
	"UO",    // UpstreamOverflow (circuit breaking), 503
	"NR",    // NoRouteFound, 404 / no filter chain
	"URX",   // UpstreamRetryLimitExceeded
	"NC",    // NoClusterFound
	"DT",    // DurationTimeout (max connection duration): not a failure of the upstream
	"DC",    // DownstreamConnectionTermination: the client went away
	"LH",    // FailedLocalHealthCheck, 503 (inbound sidecar, local app unhealthy)
	"UT",    // UpstreamRequestTimeout, 504
	"LR",    // LocalReset, 503
	"UR",    // UpstreamRemoteReset, 503
	"UC",    // UpstreamConnectionTermination, 503
	"DI",    // DelayInjected (fault injection)
	"FI",    // FaultInjected
	"RL",    // RateLimited
	"UAEX",  // ext-authz denied: policy, not upstream health
	"RLSE",  // rate-limit service error
	"IH",    // invalid request headers (downstream)
	"SI",    // stream idle timeout (either side)
	"DPE",   // downstream protocol error
	"UPE",   // UpstreamProtocolError, 502
	"UMSDR", // upstream max stream duration reached (configured limit)
	"RFCF",  // served from cache
	"NFCF",  // no filter config found
	"OM",    // overload manager
	"DF",    // DnsResolutionFailed
	"DO",    // DropOverload, 503
	"DR",    // downstream remote reset
	"UDO",   // UnconditionalDropOverload, 503
}

// flagBit returns the bit index of a known flag, or -1.
func flagBit(tok []byte) int {
	switch string(tok) { // switch on string(b) does not allocate
	case "UH":
		return 0
	case "UF":
		return 1
	case "UO":
		return 2
	case "NR":
		return 3
	case "URX":
		return 4
	case "NC":
		return 5
	case "DT":
		return 6
	case "DC":
		return 7
	case "LH":
		return 8
	case "UT":
		return 9
	case "LR":
		return 10
	case "UR":
		return 11
	case "UC":
		return 12
	case "DI":
		return 13
	case "FI":
		return 14
	case "RL":
		return 15
	case "UAEX":
		return 16
	case "RLSE":
		return 17
	case "IH":
		return 18
	case "SI":
		return 19
	case "DPE":
		return 20
	case "UPE":
		return 21
	case "UMSDR":
		return 22
	case "RFCF":
		return 23
	case "NFCF":
		return 24
	case "OM":
		return 25
	case "DF":
		return 26
	case "DO":
		return 27
	case "DR":
		return 28
	case "UDO":
		return 29
	}
	return -1
}

// symptomMask has the bits of the flags that are symptom kinds.
var symptomMask = func() uint32 {
	var m uint32
	for i, code := range flagTable {
		if _, ok := kindIndex[code]; ok {
			m |= 1 << i
		}
	}
	return m
}()

// parseFlags parses a comma-separated flag set (any order). ok is false if
// the token does not look like a flag field at all (used for detection);
// unknown upper-case tokens (custom flags registered by extensions) are
// accepted and ignored. "-" is the empty set.
func parseFlags(tok []byte) (mask uint32, ok bool) {
	if len(tok) == 1 && tok[0] == '-' {
		return 0, true
	}
	if len(tok) == 0 {
		return 0, false
	}
	start := 0
	for i := 0; i <= len(tok); i++ {
		if i < len(tok) && tok[i] != ',' {
			c := tok[i]
			if c < 'A' || c > 'Z' {
				return 0, false
			}
			continue
		}
		if i == start {
			return 0, false
		}
		if b := flagBit(tok[start:i]); b >= 0 {
			mask |= 1 << b
		}
		start = i + 1
	}
	return mask & symptomMask, true
}

// detailsFlag maps RESPONSE_CODE_DETAILS that imply a flag when the flag
// field itself is "-".
func detailsFlag(d []byte) int {
	switch string(d) {
	case "no_healthy_upstream":
		return 0 // UH
	case "cluster_not_found":
		return 5 // NC
	case "route_not_found":
		return 3 // NR
	}
	return -1
}

// KindDirectResponse5xx is a 5xx Envoy answered itself from a route's
// direct_response, with no response flag: Envoy Gateway's answer for a
// rule with no valid backend (500: not found, not permitted, every weight
// 0) and, from v1.6, for a Service with no ready endpoint (503)
// (envoyproxy/gateway internal/gatewayapi/route.go). A direct response
// below 500 is configuration working as meant.
const KindDirectResponse5xx = "direct-response-5xx"

// directResponse5xx reports whether a flagless line with code and
// details is such an answer.
func directResponse5xx(code int, details []byte) bool {
	return code >= 500 && string(details) == directResponseDetails
}

// directResponseDetails is Envoy's response code details of a
// direct_response route.
const directResponseDetails = "direct_response"
