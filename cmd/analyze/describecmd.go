package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/browse"
)

// DescribeOptions are the flags and arguments of `analyze describe`.
type DescribeOptions struct {
	IO       IOStreams
	Describe browse.DescribeOptions
	Inputs   []string
	Limits   InputLimits
}

func newDescribeCmd(streams IOStreams) *cobra.Command {
	o := &DescribeOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "describe KIND/NAME [-n NS] INPUT...",
		Short: "Describe one object of a snapshot as kubectl describe does, with its events",
		Long: `Describe one object of the inputs in the layout of "kubectl describe": its
fields, what goes with it (a Deployment's ReplicaSets, a Service's endpoints,
the pods of a controller or on a Node, as the inputs hold them) and, at the
end, the events about it. Kinds kubectl has no describer for (Istio's, the
Gateway API's) are described field by field, as kubectl describes custom
resources. KIND takes the names "analyze get" takes.

A Secret is described by the size of each value, never the value. Times
kubectl counts from now count from the collection time.

` + browseExitStatus,
		Example: `  analyze describe pod/reviews-v1-7d4b9c-x2x7q -n shop incident.tar.zst
  analyze describe deploy/reviews -n shop incident.tar.zst
  analyze describe svc reviews -n shop dump/
  analyze describe dr/reviews -n shop incident.tar.zst
  analyze describe node/worker-1 incident.tar.zst`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				o.Describe.Resource, o.Inputs = args[0], args[1:]
				// "describe KIND NAME INPUT...": kubectl's other spelling,
				// when the second word is no input.
				if !strings.Contains(args[0], "/") && len(args) > 2 && checkPath(args[1]) != nil {
					o.Describe.Name, o.Inputs = args[1], args[2:]
				}
			}
			return runDescribe(o)
		},
	}
	cmd.Flags().StringVarP(&o.Describe.Namespace, "namespace", "n", "", "the `NAMESPACE` of a namespaced object (default \"default\")")
	o.Limits.addFlags(cmd.Flags())
	return cmd
}

func runDescribe(o *DescribeOptions) error {
	if o.Describe.Resource == "" {
		return usageErrorf("no object given: analyze describe KIND/NAME INPUT...")
	}
	in, err := browseInputs(o.IO, o.Inputs, &o.Limits)
	if err != nil {
		return err
	}
	return browseError(browse.Describe(o.IO.Out, in, o.Describe), o.Inputs)
}
