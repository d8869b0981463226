package cli

import (
	"context"
	"encoding/json"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgrail/orgrail/internal/awstest"
)

// awsServerReady is the one line `orgrail dev aws-server` prints on
// stdout when it accepts requests (see CONTRACT.md).
type awsServerReady struct {
	Endpoint        string `json:"endpoint"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	AccountID       string `json:"accountId"`
	Region          string `json:"region"`
}

func init() {
	register(func(g *Globals) *cobra.Command {
		dev := &cobra.Command{
			Use:   "dev",
			Short: "Developer tools (local AWS test server)",
			Args:  cobra.NoArgs,
		}
		dev.AddCommand(newAWSServerCmd(g))
		return dev
	})
}

func newAWSServerCmd(g *Globals) *cobra.Command {
	var (
		snapDir  string
		addr     string
		pageSize int
	)
	cmd := &cobra.Command{
		Use:   "aws-server --org SNAPSHOT_DIR [--addr 127.0.0.1:0]",
		Short: "Serve a snapshot's organization as a local AWS endpoint",
		Long: `Serve a snapshot's organization over AWS's wire protocols on loopback, for
tests and for any AWS client (the AWS CLI, boto3, other SDKs).

When ready it prints one JSON line on stdout: endpoint, the management
account's administrator access key id and secret, account id and region.
It runs until interrupted (SIGINT or SIGTERM).

  aws --endpoint-url "$ENDPOINT" organizations list-accounts`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if snapDir == "" {
				return Usage("--org SNAPSHOT_DIR is required")
			}
			ctx := cmd.Context()
			region := g.Region
			srv, err := awstest.Start(ctx, awstest.Options{SnapshotDir: snapDir, Addr: addr, Region: region, PageSize: pageSize, Logger: g.Log})
			if err != nil {
				return Usage("%v", err)
			}
			// The stateful services (queues, topics, tables, S3 objects) are served too,
			// so watch, notify and Lambda mode can be tried against it.
			srv.ServeSQS()
			srv.ServeSNS()
			srv.ServeDynamoDB()
			srv.ServeS3Objects()
			creds := srv.AdminCredentials()
			line, err := json.Marshal(awsServerReady{Endpoint: srv.Endpoint, AccessKeyID: creds.AccessKeyID,
				SecretAccessKey: creds.SecretAccessKey, AccountID: srv.ManagementAccount(), Region: srv.Region})
			if err != nil {
				return err
			}
			if _, err := g.Stdout.Write(append(line, '\n')); err != nil {
				return err
			}
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
			return srv.Close()
		},
	}
	cmd.Flags().StringVar(&snapDir, "org", "", "snapshot directory to serve (or a directory holding snapshot/)")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "loopback listen address; port 0 picks a free port")
	cmd.Flags().IntVar(&pageSize, "page-size", 0, "cap every paginated answer at this many items (0: the API's own page sizes)")
	return cmd
}
