package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/orgrail/orgrail/internal/store"
)

// Open creates the store on first use; checkpoints let long work resume
// where it stopped.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "orgrail")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	_ = s.SetCheckpoint(ctx, "watch/s3/o-abc/111111111111/us-east-1", "AWSLogs/o-abc/111111111111/CloudTrail/us-east-1/2026/11/25/")
	v, ok, _ := s.Checkpoint(ctx, "watch/s3/o-abc/111111111111/us-east-1")
	fmt.Println(ok, v)
	ver, _ := s.Version(ctx)
	fmt.Println("schema up to date:", ver == store.SchemaVersion)
	// Output:
	// true AWSLogs/o-abc/111111111111/CloudTrail/us-east-1/2026/11/25/
	// schema up to date: true
}
