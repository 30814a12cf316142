package envoyadmin

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzParseClusters(f *testing.F) {
	for _, s := range []string{
		envoyUnitText, envoyUnitJSON,
		"outbound|8000||httpbin.default.svc.cluster.local::10.244.1.37:80::health_flags::/failed_outlier_check\n",
		"c::[fd00::1]:9080::health_flags::/failed_active_hc/active_hc_timeout\n",
		`[{"name":"outbound|80||mydb.com","hostStatuses":[{"address":{"socketAddress":{"address":"52.119.226.80","portValue":81}},"healthStatus":{"failedOutlierCheck":true,"edsHealthStatus":"HEALTHY"}}]}]`,
		"ENDPOINT                         STATUS      OUTLIER CHECK     CLUSTER\n52.119.226.80:81                 HEALTHY     FAILED            outbound|80||mydb.com\n",
		"NAME STATUS LOCALITY CLUSTER\n10.244.0.190:9080   HEALTHY   outbound|9080||details.default.svc.cluster.local\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseClusters("fuzz", bytes.NewReader(data))
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, c := range got {
			if c.Name == "" || seen[c.Name] {
				t.Fatalf("empty or duplicate cluster name %q", c.Name)
			}
			seen[c.Name] = true
			for _, h := range c.Hosts {
				_ = h.Healthy()
			}
		}
	})
}
