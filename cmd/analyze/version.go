package main

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/report"
)

func newVersionCmd(streams IOStreams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version [-o text|json]",
		Short: "Print the version",
		Long: `Print the version of analyze, the schemaVersion of the JSON report it writes and
the Go toolchain it was built with. -o json gives the same as
{"version", "reportSchemaVersion", "go"} (docs/schemas/version.schema.json), for a
CI step that checks which report schema it reads.`,
		Example: `  analyze version
  analyze version -o json | jq .reportSchemaVersion`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch output {
			case "text":
				_, err := fmt.Fprintf(streams.Out, "analyze %s (report schema %d, %s)\n", version, report.SchemaVersion, runtime.Version())
				return err
			case "json":
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Version             string `json:"version"`
					ReportSchemaVersion int    `json:"reportSchemaVersion"`
					Go                  string `json:"go"`
				}{version, report.SchemaVersion, runtime.Version()})
			}
			return usageErrorf("invalid --output %q: want text or json", output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output `format`: text or json (version, reportSchemaVersion, go)")
	return cmd
}
