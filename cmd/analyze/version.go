package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/report"
)

func newVersionCmd(streams IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(streams.Out, versionLine())
			return err
		},
	}
}

func versionLine() string {
	return fmt.Sprintf("%s %s (report schema %d, %s)", commandName, version, report.SchemaVersion, runtime.Version())
}
