package cache_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

// An operation's error names the cache (its redacted URL, never the
// password) and the kind, whatever the operation; a miss is the plain
// sentinel and allocates nothing.
func TestOperationErrors(t *testing.T) {
	s := redisserver.Start(t, redisserver.Config{Password: "s3cret-pw"})
	refused := "127.0.0.1:" + strconv.Itoa(testserver.FreePort(t))
	for _, tc := range []struct {
		url, host string
		kind      *clients.Kind
		words     string // in the message
	}{
		{"redis://:wrong-pw@" + s.Addr + "/0", s.Addr, clients.ErrAuth, "rejected the credentials"},
		{"redis://" + refused + "/0?max_retries=-1&dialer_retries=1", refused, clients.ErrRefused, "connection refused"},
		{"memcached://" + refused, refused, clients.ErrRefused, "connection refused"},
	} {
		c := openT(t, tc.url)
		for _, o := range allOps {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := o.f(ctx, c)
			cancel()
			var ce *clients.Error
			switch {
			case !errors.Is(err, tc.kind):
				t.Errorf("%s %s = %v, want kind %s", tc.url, o.name, err, tc.kind.Code())
			case !errors.As(err, &ce) || ce.Op == "" || !strings.Contains(err.Error(), tc.words):
				t.Errorf("%s %s = %q, want a *clients.Error with the operation and %q", tc.url, o.name, err, tc.words)
			case strings.Contains(err.Error(), "wrong-pw") || strings.Contains(err.Error(), "s3cret"):
				t.Errorf("%s %s: the error shows a password: %q", tc.url, o.name, err)
			case !strings.Contains(err.Error(), tc.host):
				t.Errorf("%s %s = %q, want it to name the host", tc.url, o.name, err)
			}
		}
		t.Logf("%s: %v", tc.url, func() error { _, err := c.Get(context.Background(), "k"); return err }())
	}
}

func TestMissAllocatesNothing(t *testing.T) {
	c := openT(t, "locmem://")
	ctx := context.Background()
	if n := testing.AllocsPerRun(100, func() {
		if _, err := c.Get(ctx, "missing"); err != cache.ErrNotFound {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("a miss allocates %v times, want 0", n)
	}
	_ = c.Set(ctx, "k", []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
	if n := testing.AllocsPerRun(100, func() {
		if _, err := c.Get(ctx, "k"); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("a locmem hit allocates %v times, want at most 1 (the copy of the value)", n)
	}
}
