package main

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/nohealthy/nohealthy/browse"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/bytesize"
)

// InputLimits are the flags that guard the browsing commands against
// hostile inputs, as analyze's own.
type InputLimits struct {
	MaxExpandedBytes bytesize.Size
	MaxLineBytes     bytesize.Size
	MaxObjectBytes   bytesize.Size
	MaxEntries       int
}

func (l *InputLimits) addFlags(fs *pflag.FlagSet) {
	l.MaxExpandedBytes = bundle.DefaultMaxExpandedBytes
	fs.Var(&l.MaxExpandedBytes, "max-expanded-bytes", "stop reading an input after this many decompressed bytes (10G, 512Mi, ...)")
	l.MaxLineBytes = bundle.DefaultMaxLineBytes
	fs.Var(&l.MaxLineBytes, "max-line-bytes", "cut log lines longer than this")
	l.MaxObjectBytes = bundle.DefaultMaxObjectBytes
	fs.Var(&l.MaxObjectBytes, "max-object-bytes", "refuse a .json/.yaml entry larger than this")
	fs.IntVar(&l.MaxEntries, "max-entries", bundle.DefaultMaxEntries, "refuse an input with more files than this")
}

func (l *InputLimits) limits() bundle.Limits {
	return bundle.Limits{
		MaxExpandedBytes: int64(l.MaxExpandedBytes),
		MaxLineBytes:     int(min(int64(l.MaxLineBytes), int64(^uint(0)>>1))),
		MaxObjectBytes:   int64(l.MaxObjectBytes),
		MaxEntries:       l.MaxEntries,
	}
}

// browseInputs checks the inputs exist and returns them to read, problems
// confined to one file going to stderr as warnings.
func browseInputs(io IOStreams, paths []string, l *InputLimits) (browse.Inputs, error) {
	if len(paths) == 0 {
		return browse.Inputs{}, usageErrorf("no INPUT given: name a bundle, a directory or kubectl output files")
	}
	for _, p := range paths {
		if err := checkPath(p); err != nil {
			return browse.Inputs{}, inputError(err)
		}
	}
	return browse.Inputs{Paths: paths, Limits: l.limits(), Warn: func(msg string) {
		fmt.Fprintf(io.ErrOut, "warning: %s\n", msg)
	}}, nil
}

// browseError maps browse's errors to exit codes: not found is 1 (as
// kubectl), a request it cannot understand 2 with the usage hint, an
// unreadable input 2.
func browseError(err error, inputs []string) error {
	var nf *browse.NotFoundError
	var ue *browse.UsageError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &nf):
		return &exitError{code: exitFailing, err: err}
	case errors.As(err, &ue):
		return &exitError{code: exitUsage, err: err, usage: true}
	}
	return inputError(nameInput(err, inputs))
}
