package main

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// liveCompletionTimeout bounds asking the cluster for namespace names
// while the user waits at a prompt.
const liveCompletionTimeout = 2 * time.Second

// registerCompletions completes flag values: contexts, clusters and users
// from the kubeconfig; namespaces from the kubeconfig's contexts and, when
// the cluster answers quickly, from the cluster (as kubectl does); the
// fixed choices of the other flags; bundle files for -o and --redact-only.
func registerCompletions(cmd *cobra.Command, o *Options) {
	kubeconfig := func(pick func(*clientcmdapi.Config) []string) cobra.CompletionFunc {
		return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			raw, err := o.Config.ToRawKubeConfigLoader().RawConfig()
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return prefixed(pick(&raw), toComplete), cobra.ShellCompDirectiveNoFileComp
		}
	}
	must := func(err error) {
		if err != nil {
			panic(err) // a flag name typo: caught by the tests
		}
	}
	must(cmd.RegisterFlagCompletionFunc("context", kubeconfig(func(c *clientcmdapi.Config) []string { return slices.Sorted(maps.Keys(c.Contexts)) })))
	must(cmd.RegisterFlagCompletionFunc("cluster", kubeconfig(func(c *clientcmdapi.Config) []string { return slices.Sorted(maps.Keys(c.Clusters)) })))
	must(cmd.RegisterFlagCompletionFunc("user", kubeconfig(func(c *clientcmdapi.Config) []string { return slices.Sorted(maps.Keys(c.AuthInfos)) })))
	namespaces := func(list bool) cobra.CompletionFunc {
		return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			head, last := "", toComplete
			if i := strings.LastIndex(toComplete, ","); list && i >= 0 {
				head, last = toComplete[:i+1], toComplete[i+1:]
			}
			var out []string
			for _, ns := range o.namespaceNames() {
				if strings.HasPrefix(ns, last) {
					out = append(out, head+ns)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		}
	}
	must(cmd.RegisterFlagCompletionFunc("namespace", namespaces(false)))
	must(cmd.RegisterFlagCompletionFunc("namespaces", namespaces(true)))
	must(cmd.RegisterFlagCompletionFunc("exclude-namespaces", namespaces(true)))
	must(cmd.RegisterFlagCompletionFunc("progress", cobra.FixedCompletions([]string{"auto", "live", "plain", "none"}, cobra.ShellCompDirectiveNoFileComp)))
	for _, f := range []string{"selector", "since", "since-time", "tail", "max-log-bytes", "max-proxies", "concurrency", "page-size", "retries", "timeout", "v"} {
		must(cmd.RegisterFlagCompletionFunc(f, cobra.NoFileCompletions))
	}
	must(cmd.MarkFlagFilename("output", "tar.zst", "tzst"))
	must(cmd.MarkFlagFilename("redact-only", "tar.zst", "tzst"))
}

// namespaceNames are the namespaces of the kubeconfig's contexts and, if
// the cluster answers within liveCompletionTimeout, the cluster's.
func (o *Options) namespaceNames() []string {
	var out []string
	if raw, err := o.Config.ToRawKubeConfigLoader().RawConfig(); err == nil {
		for _, c := range raw.Contexts {
			if c.Namespace != "" {
				out = append(out, c.Namespace)
			}
		}
	}
	if rc, err := o.Config.ToRESTConfig(); err == nil {
		rc.Timeout = liveCompletionTimeout
		if cs, err := kubernetes.NewForConfig(rc); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), liveCompletionTimeout)
			defer cancel()
			if l, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{}); err == nil {
				for _, ns := range l.Items {
					out = append(out, ns.Name)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func prefixed(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}
