package main

import (
	"flag"
	"io"
	"strconv"

	"github.com/go-logr/logr"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/klog/v2"
)

// clientErrorHandlers are client-go's handlers of errors it cannot
// return (a port-forward stream that failed, a watch that broke): a klog
// line, then a 1 ms pause that rate-limits such lines.
var clientErrorHandlers = utilruntime.ErrorHandlers

// setClientLogVerbosity decides what the Kubernetes client libraries may
// print. At 0 nothing: their klog lines ("E1203 … portforward.go:549] …")
// go to a discarding logger and their unreturnable errors to no handler,
// since gather reports every failure itself, once, with what to do. At
// kubectl's -v N their logs go to stderr at that level, as kubectl's do.
func setClientLogVerbosity(level int, _ io.Writer) {
	if level <= 0 {
		klog.SetLogger(logr.Discard())
		utilruntime.ErrorHandlers = nil
		return
	}
	klog.ClearLogger()
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	_ = fs.Set("logtostderr", "true")
	_ = fs.Set("v", strconv.Itoa(level))
	utilruntime.ErrorHandlers = clientErrorHandlers[:1] // the log line, not the pause
}
