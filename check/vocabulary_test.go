package check_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/check"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/entrypoints"
	"github.com/cacheurl/cacheurl/internal/testserver"
)

// TestOneNoGoClientKind: a Django backend with no Go client is one kind,
// clients.ErrNoGoClient, with one message, from every package that takes
// a config.
func TestOneNoGoClientKind(t *testing.T) {
	for u, want := range map[string]string{
		"file:///var/tmp/c": "file:// is Django's FileBasedCache, which no Go client serves",
		"db://cache_table":  "db:// is Django's DatabaseCache, which no Go client serves",
		"uwsgicache://":     "uwsgicache:// is Django's UWSGICache, which no Go client serves",
	} {
		cfg, err := core.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		for name, err := range entrypoints.Errors(context.Background(), cfg) {
			if !errors.Is(err, clients.ErrNoGoClient) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s(%s) = %v, want clients.ErrNoGoClient: %q", name, u, err, want)
			}
		}
	}
}

// TestWrongBackendHintsAgree: a client package given another backend's URL
// says which package serves it, in the same words everywhere.
func TestWrongBackendHintsAgree(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		open func() error
		want string
	}{
		{"goredis memcached", func() error { _, err := goredis.Open(ctx, "pymemcache://h"); return err },
			"pymemcache:// is a memcached cache, not redis: use clients/gomemcache, or package cache"},
		{"goredis locmem", func() error { _, err := goredis.Open(ctx, "locmem://"); return err },
			"locmem:// is a locmem cache, not redis: use package cache, whose in-process cache it is"},
		{"gomemcache redis", func() error { _, err := gomemcache.Open(ctx, "valkeys://h"); return err },
			"valkeys:// is a redis cache, not memcached: use clients/goredis, or package cache"},
		{"gomemcache dummy", func() error { _, err := gomemcache.Open(ctx, "dummy://"); return err },
			"dummy:// is a dummy cache, not memcached: use package cache, whose no-op cache it is"},
	} {
		if err := tt.open(); !errors.Is(err, clients.ErrWrongBackend) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want clients.ErrWrongBackend: %q", tt.name, err, tt.want)
		}
	}
}

// TestRuntimeKindsShared: a check's error and a cache operation's error
// match the same runtime kind of package clients.
func TestRuntimeKindsShared(t *testing.T) {
	ctx := context.Background()
	u := "redis://" + testserver.RefusedAddr(t) + "/0?max_retries=-1" // no retries: fail at once
	c, err := cache.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, cacheErr := c.Get(ctx, "k")
	cfg, _ := core.Parse(u)
	_, checkErr := check.Run(ctx, cfg)
	for name, err := range map[string]error{"cache": cacheErr, "check": checkErr} {
		if !errors.Is(err, clients.ErrRefused) {
			t.Errorf("%s: %v, want clients.ErrRefused", name, err)
		}
	}
	// A check its caller cancelled is clients.ErrCanceled, for every
	// backend, and is not retried.
	done, cancel := context.WithCancel(ctx)
	cancel()
	for _, u := range []string{u, "memcached://" + testserver.RefusedAddr(t), "redis+sentinel://" + testserver.RefusedAddr(t) + "/m"} {
		cfg, _ := core.Parse(u)
		_, err := check.Run(done, cfg)
		if !errors.Is(err, clients.ErrCanceled) || !errors.Is(err, context.Canceled) || check.Retryable(err) {
			t.Errorf("%s, cancelled: %v, want clients.ErrCanceled, not retryable", u, err)
		}
	}
}
