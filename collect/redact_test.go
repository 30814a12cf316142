package collect

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	testJWT    = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJpc3MiOiJrdWJlcm5ldGVzIiwic3ViIjoiYWRtaW4ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	testAWSKey = "AKIAIOSFODNN7EXAMPLE"
	testPEM    = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtesttesttesttest\nQWERTYUIOPasdfghjkl1234567890\n-----END RSA PRIVATE KEY-----"
)

func TestRedactSecretShapes(t *testing.T) {
	r := DefaultRedactor()
	cases := []struct {
		name, in, secret, want string
	}{
		{"bearer", "GET /api Authorization: Bearer abcDEF123456ghiJKL789", "abcDEF123456ghiJKL789", "Bearer REDACTED"},
		{"bearer-lower", `header bearer s3cr3t-t0ken-value-here`, "s3cr3t-t0ken-value-here", "bearer REDACTED"},
		{"jwt", "token for request: " + testJWT + " accepted", testJWT, "REDACTED-JWT"},
		{"jwt-alone", testJWT, testJWT, "REDACTED-JWT"},
		{"url-password", "connecting to postgres://app:Hunter2Pass@db.prod:5432/app", "Hunter2Pass", "postgres://app:REDACTED@db.prod:5432/app"},
		{"url-password-redis", "REDIS_URL=redis://default:p%40ss@redis:6379", "p%40ss", "redis://default:REDACTED@redis:6379"},
		{"kv-password", "login failed user=bob password=hunter22 retry", "hunter22", "password=REDACTED"},
		{"kv-db-password-env", "DB_PASSWORD=correcthorse", "correcthorse", "DB_PASSWORD=REDACTED"},
		{"kv-json", `{"client_secret": "xyzzy-plugh-42", "user":"x"}`, "xyzzy-plugh-42", `"client_secret": "REDACTED"`},
		{"kv-yaml", "apiKey: sk_live_0123456789abcdef", "sk_live_0123456789abcdef", "apiKey: REDACTED"},
		{"kv-token-colon", "access_token:ya29.a0AfH6SMBx", "ya29.a0AfH6SMBx", "access_token:REDACTED"},
		{"aws-key-id", "using key " + testAWSKey + " for s3", testAWSKey, "REDACTED-AWS-KEY-ID"},
		{"aws-secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = REDACTED"},
		{"pem", "key:\n" + testPEM + "\nafter", "MIIEowIBAAKCAQEAtesttesttesttest", "-----BEGIN PRIVATE KEY-----REDACTED-----END PRIVATE KEY-----\nafter"},
		{"pem-ec-unterminated", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBbadbadbad", "MHcCAQEEIBbadbadbad", "REDACTED"},
		{"basic-auth", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==", "Basic REDACTED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := r.String(c.in)
			if strings.Contains(got, c.secret) {
				t.Fatalf("secret %q survives: %q", c.secret, got)
			}
			if !strings.Contains(got, c.want) {
				t.Fatalf("got %q, want it to contain %q", got, c.want)
			}
			if again := r.String(got); again != got {
				t.Fatalf("not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func TestRedactKeepsOrdinaryText(t *testing.T) {
	r := DefaultRedactor()
	lines := []string{
		`[2024-05-01T10:00:00.000Z] "GET /reviews/0 HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.0.0.1" "curl/8.0" "a1b2c3" "reviews:9080" "-" outbound|9080|v1|reviews.default.svc.cluster.local - 10.96.0.10:9080 10.0.0.1:4242 - -`,
		`Readiness probe failed: HTTP probe failed with statuscode: 500`,
		`0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`,
		`2024/05/01 10:00:00 [error] 31#31: *1 no live upstreams while connecting to upstream, client: 10.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://default-web-80/", host: "example.com"`,
		`connect() failed (111: Connection refused) while connecting to upstream, upstream: "http://10.244.1.5:8080/health"`,
		`upstream connect error or disconnect/reset before headers. reset reason: connection failure`,
		`info	ads	Push debounce stable[12] 3 for config ServiceEntry/default/reviews.default.svc.cluster.local: 100.2ms since last change`,
		`http://reviews.default.svc.cluster.local:9080/reviews/0`,
		`Back-off restarting failed container reviews in pod reviews-v1-6b5f7c8d9-abcde_default(1234)`,
		`Successfully pulled image "docker.io/istio/examples-bookinfo-reviews-v1:1.20.1" in 1.2s`,
		`MountVolume.SetUp failed for volume "kube-api-access-abcde" : object "default"/"kube-root-ca.crt" not registered`,
		`the bearer of this message`,
		`basic authentication is disabled`,
		`warn	xds token refresh scheduled`,
	}
	for _, l := range lines {
		if got := r.String(l); got != l {
			t.Errorf("false positive:\n in: %s\nout: %s", l, got)
		}
	}
}

func TestRedactObject(t *testing.T) {
	r := DefaultRedactor()
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","annotations":{
	  "kubectl.kubernetes.io/last-applied-configuration":"{\"spec\":{\"containers\":[{\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"Sup3rS3cret!\"}]}]}}\n",
	  "example.com/api-token":"tok-0123456789"}},
	"spec":{"serviceAccountName":"web","volumes":[{"name":"certs","secret":{"secretName":"web-tls"}}],
	  "containers":[{"name":"web","args":["--db=postgres://u:Pa55word@db/x"],
	  "env":[{"name":"DB_PASSWORD","value":"Sup3rS3cret!"},{"name":"MODE","value":"prod"},
	         {"name":"API_KEY","valueFrom":{"secretKeyRef":{"name":"api","key":"key"}}},
	         {"name":"CONFIG","value":"token=abcdef0123"}]}]}}`
	var v any
	if err := json.Unmarshal([]byte(pod), &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(r.Object(v))
	s := string(out)
	for _, secret := range []string{"Sup3rS3cret!", "tok-0123456789", "Pa55word", "abcdef0123"} {
		if strings.Contains(s, secret) {
			t.Errorf("secret %q survives: %s", secret, s)
		}
	}
	for _, keep := range []string{`"secretName":"web-tls"`, `"serviceAccountName":"web"`, `"value":"prod"`, `"secretKeyRef":{"key":"key","name":"api"}`} {
		if !strings.Contains(s, keep) {
			t.Errorf("lost %s: %s", keep, s)
		}
	}
}

func TestRedactionSpecCompiles(t *testing.T) {
	spec := DefaultRedactionSpec()
	r, err := NewRedactor(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(r.Manifest()), len(spec.Patterns)+1; got != want {
		t.Fatalf("manifest lists %d rules, want %d", got, want)
	}
	seen := map[string]bool{}
	for _, p := range spec.Patterns {
		if p.Name == "" || seen[p.Name] {
			t.Fatalf("pattern name %q empty or duplicate", p.Name)
		}
		seen[p.Name] = true
	}
}

func FuzzRedact(f *testing.F) {
	r := DefaultRedactor()
	for _, s := range []string{
		"password=hunter2", "Bearer abcdefghijklmnop", testJWT, testPEM, testAWSKey,
		"https://user:pw@host/x", `{"name":"DB_PASSWORD","value":"x"}`, "plain text line",
		"-----BEGIN PRIVATE KEY-----", "token: : : =", "a://b:c@d:e@f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := r.String(in)
		if again := r.String(out); again != out {
			t.Fatalf("not idempotent:\n in: %q\nout: %q\nre:  %q", in, out, again)
		}
		if !strings.Contains(in, "PRIVATE KEY-----") && strings.Contains(out, "PRIVATE KEY-----") {
			t.Fatalf("invented a key marker: %q", out)
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("made invalid UTF-8: %q -> %q", in, out)
		}
		// Object redaction must accept any string value and never panic.
		r.Object(map[string]any{"name": in, "value": in, in: []any{in}})
		r.JSON([]byte(in))
	})
}
