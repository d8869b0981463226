package collect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
)

// TestWAFClassicWithoutEndpoint: a region where AWS WAF Classic has no
// endpoint (the host name does not resolve) lists nothing instead of
// recording a gap; any other error, or one on a later page, stays an
// error.
func TestWAFClassicWithoutEndpoint(t *testing.T) {
	absent := fmt.Errorf("send request: %w", &net.DNSError{Err: "no such host", Name: "waf-regional.ap-south-2.amazonaws.com", IsNotFound: true})
	got, err := wafMarker(context.Background(), func(context.Context, *string) ([]string, *string, error) { return nil, nil, absent })
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("absent endpoint: %v %v", got, err)
	}
	denied := errors.New("AccessDeniedException")
	if _, err := wafMarker(context.Background(), func(context.Context, *string) ([]string, *string, error) { return nil, nil, denied }); err == nil {
		t.Fatal("an access error must stay an error")
	}
	calls := 0
	_, err = wafMarker(context.Background(), func(_ context.Context, m *string) ([]string, *string, error) {
		calls++
		if m == nil {
			next := "p2"
			return []string{"a"}, &next, nil
		}
		return nil, nil, absent
	})
	if err == nil || calls != 2 {
		t.Fatalf("a failure on a later page must stay an error: %v after %d calls", err, calls)
	}
}
