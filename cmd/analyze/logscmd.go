package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/browse"
)

// LogsOptions are the flags and arguments of `analyze logs`.
type LogsOptions struct {
	IO     IOStreams
	Logs   browse.LogsOptions
	Inputs []string
	Limits InputLimits
}

func newLogsCmd(streams IOStreams) *cobra.Command {
	o := &LogsOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "logs NS/POD [-c CONTAINER] [--previous] [--since DURATION] [--tail N] INPUT...",
		Short: "Print a container's log from a snapshot as kubectl logs does",
		Long: `Print the log of one container of a pod, as collected in the inputs, with
kubectl's habits: -c names the container; without it, the one the pod's
kubectl.kubernetes.io/default-container annotation names, or the pod's only
container. A pod with several containers and no annotation is an error that
lists them (kubectl would take the first; offline, the wrong log misleads).
--previous is the log of the crashed instance before the current one.

--since keeps the lines of the last DURATION before the collection time (the
bundle's createdAt; without a manifest, the newest event, else the log's own
newest line), by the time each line records (a leading RFC 3339 time, Envoy's
[time], nginx's, a JSON time member, a [dd/Mon/yyyy:...] field); a line
without one goes with the line before it. --tail keeps the last N lines.

The log is streamed, never held (but --tail's N lines), and every control
character in it is printed visible (\x1b), so a log cannot drive the terminal.

` + browseExitStatus,
		Example: `  analyze logs shop/reviews-v1-7d4b9c-x2x7q -c istio-proxy incident.tar.zst
  analyze logs payments/ledger-5f6d-abcde --previous incident.tar.zst
  analyze logs istio-system/istio-ingressgateway-7c9d8-abcde --since 5m --tail 100 incident.tar.zst
  analyze logs -n shop reviews-v1-7d4b9c-x2x7q -c reviews dump/`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				pod := args[0]
				if ns, name, ok := strings.Cut(pod, "/"); ok {
					if o.Logs.Namespace != "" && o.Logs.Namespace != ns {
						return usageErrorf("%s names namespace %s, -n says %s", pod, ns, o.Logs.Namespace)
					}
					o.Logs.Namespace, pod = ns, name
				}
				o.Logs.Pod, o.Inputs = pod, args[1:]
			}
			return runLogs(o)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Logs.Namespace, "namespace", "n", "", "the pod's `NAMESPACE` when POD is not NS/POD (default \"default\")")
	fs.StringVarP(&o.Logs.Container, "container", "c", "", "the `CONTAINER` whose log to print")
	fs.BoolVarP(&o.Logs.Previous, "previous", "p", false, "the log of the previous instance of the container")
	fs.DurationVar(&o.Logs.Since, "since", 0, "only lines of the last `DURATION` before the collection time (5s, 2m, 3h)")
	fs.IntVar(&o.Logs.Tail, "tail", -1, "only the last `N` lines (-1: all)")
	o.Limits.addFlags(fs)
	return cmd
}

func runLogs(o *LogsOptions) error {
	if o.Logs.Pod == "" {
		return usageErrorf("no pod given: analyze logs NS/POD INPUT...")
	}
	in, err := browseInputs(o.IO, o.Inputs, &o.Limits)
	if err != nil {
		return err
	}
	return browseError(browse.Logs(o.IO.Out, o.IO.ErrOut, in, o.Logs), o.Inputs)
}
