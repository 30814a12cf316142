package load

import (
	"github.com/nohealthy/nohealthy/bundle"
)

// Entries reads the inputs as Inputs reads them, one after the other, each
// in a single pass in its own order, and calls fn for every entry: the
// manifest, the objects files, the logs, the rest. It is how the browsing
// commands (get, describe, logs) read, so that every layout the analysis
// reads is browsable without code of its own; a reader added to the
// loader belongs here too. It does not decode anything and keeps nothing:
// what fn does not read is skipped as the input streams by.
//
// Errors are as bundle.Walk reports them: a problem confined to one entry
// goes to warn (nil: it ends the walk), a problem with the input as a
// whole, or an error returned by fn, ends it.
func Entries(inputs []string, lim bundle.Limits, warn func(msg string), fn bundle.WalkFunc) error {
	var onEntry func(string, error)
	if warn != nil {
		// bundle's errors name the input and the entry themselves.
		onEntry = func(_ string, err error) { warn(err.Error()) }
	}
	for _, in := range inputs {
		if err := bundle.Walk(in, lim, onEntry, fn); err != nil {
			return err
		}
	}
	return nil
}

// NewerVersion reports whether an object at resourceVersion a replaces
// the same object at b, as the analysis merges inputs: numerically when
// both are integers (etcd's), otherwise the later one read wins.
func NewerVersion(a, b string) bool { return newer(a, b) }
