package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/browse"
)

// GetOptions are the flags and arguments of `analyze get`.
type GetOptions struct {
	IO     IOStreams
	Get    browse.GetOptions
	Inputs []string
	Limits InputLimits
}

const browseExitStatus = `Exit status:
  0  printed (an empty list is not an error: "No resources found" on stderr)
  1  the named object, or the asked log, is in no input
  2  usage or input error`

func newGetCmd(streams IOStreams) *cobra.Command {
	o := &GetOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "get KIND[,KIND...][/NAME] [-n NS | -A] [-l SELECTOR] [-o wide|name|yaml|json] INPUT...",
		Short: "List objects of a snapshot as kubectl get does",
		Long: `List the objects of the inputs as "kubectl get" lists a cluster's: the same
columns per kind (-o wide adds kubectl's wide ones), or -o name, yaml, json.
INPUT is anything analyze reads (a bundle, its directory, a cluster-info
dump, kubectl output); several merge as in the analysis.

KIND takes kubectl's names: plural, singular or short (po, svc, ep, deploy,
rs, sts, ds, no, ns, ev, cm, ing, netpol, hpa, pdb, cj, sa; Istio's vs, dr,
gw, se, pa, ap; the Gateway API's gtw, gc, httproute, grpcroute, refgrant),
KIND.GROUP (gateways.networking.istio.io), a comma list, or "all"; any
other kind the inputs hold answers to its name. "gateway" is the Gateway
API's and Istio's: the inputs show which are there.

AGE and the other times kubectl counts from now count from the collection
time (the bundle's createdAt; without a manifest, the newest event). The
namespace is "default" unless -n or -A, as kubectl's. Secrets are listed,
their data never shown: -o yaml/json replaces each value by its size.

` + browseExitStatus,
		Example: `  # What runs in shop, as kubectl would show it
  analyze get pods -n shop incident.tar.zst
  analyze get po,svc,ep -n shop -o wide incident.tar.zst

  # Every namespace, a label selector, Istio and Gateway API kinds
  analyze get deploy -A -l app=reviews incident.tar.zst
  analyze get vs,dr,gw -A incident.tar.zst
  analyze get httproute -A dump/

  # One object in full
  analyze get destinationrule/reviews -n shop -o yaml incident.tar.zst

  # Names for a script
  analyze get pods -A -o name incident.tar.zst`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				o.Get.Resource, o.Inputs = args[0], args[1:]
			}
			return runGet(o)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Get.Namespace, "namespace", "n", "", "the `NAMESPACE` of namespaced objects (default \"default\")")
	fs.BoolVarP(&o.Get.AllNamespaces, "all-namespaces", "A", false, "every namespace, with a NAMESPACE column")
	fs.StringVarP(&o.Get.Selector, "selector", "l", "", "label `SELECTOR` (app=reviews, 'version in (v1,v2)', '!canary')")
	fs.StringVarP(&o.Get.Output, "output", "o", "", "output `format`: "+strings.Join(browse.Outputs, ", ")+" (default: the table)")
	fs.BoolVar(&o.Get.ShowLabels, "show-labels", false, "add a LABELS column")
	o.Limits.addFlags(fs)
	return cmd
}

func runGet(o *GetOptions) error {
	if o.Get.Resource == "" {
		return usageErrorf("no KIND given: analyze get KIND[/NAME] INPUT... (pods, svc, deploy, vs, ...)")
	}
	// "get pods web incident.tar.zst" is kubectl's spelling of a name:
	// here an object is named KIND/NAME, so say so rather than "no such
	// file".
	if len(o.Inputs) > 1 && !strings.ContainsAny(o.Inputs[0], "/.") && checkPath(o.Inputs[0]) != nil {
		return usageErrorf("%q is no input: to name an object write %s/%s", o.Inputs[0], o.Get.Resource, o.Inputs[0])
	}
	in, err := browseInputs(o.IO, o.Inputs, &o.Limits)
	if err != nil {
		return err
	}
	return browseError(browse.Get(o.IO.Out, o.IO.ErrOut, in, o.Get), o.Inputs)
}
