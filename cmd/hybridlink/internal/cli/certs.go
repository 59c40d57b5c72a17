package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hybridlink/hybridlink/platform/devcert"
)

func newCerts(std IO) *cobra.Command {
	var dir, hosts string
	cmd := &cobra.Command{
		Use:   "certs --out DIR --hosts a,b",
		Short: "Write a development CA and server and client certificates for running the services with mTLS",
		Long: `certs writes ca.pem, server.pem and server-key.pem (for the given host names and IPs) and
client.pem and client-key.pem into DIR, keeping files that are already there and valid.
docker-compose.yml runs it once so that the services can listen beyond loopback, which
they only do with TLS and client certificates.`,
		Args: args(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			var list []string
			for _, h := range strings.Split(hosts, ",") {
				if h = strings.TrimSpace(h); h != "" {
					list = append(list, h)
				}
			}
			switch {
			case dir == "":
				return usageError{errors.New("--out: the folder to write the certificates into is required")}
			case len(list) == 0:
				return usageError{errors.New("--hosts: want at least one host name or IP")}
			}
			if err := devcert.Generate(dir, list); err != nil {
				return err
			}
			fmt.Fprintf(std.Out, "certificates for %v in %s\n", list, dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "out", "", "folder to write the certificates into")
	cmd.Flags().StringVar(&hosts, "hosts", "localhost,127.0.0.1", "comma-separated host names and IPs of the server certificate")
	return cmd
}
