package cache_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
	"github.com/redis/go-redis/v9"
)

func TestLocmemCapacity(t *testing.T) {
	ctx := context.Background()
	c, err := cache.Open(ctx, "locmem://?max_entries=2")
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Set(ctx, "a", []byte("1"))
	_ = c.Set(ctx, "b", []byte("2"))
	_, _ = c.Get(ctx, "a") // b is now least recently used
	_ = c.Set(ctx, "c", []byte("3"))
	if ok, _ := c.Has(ctx, "b"); ok {
		t.Fatal("LRU entry b not evicted")
	}
	if ok, _ := c.Has(ctx, "a"); !ok {
		t.Fatal("recently used a evicted")
	}
}

func TestDummy(t *testing.T) {
	ctx := context.Background()
	c, err := cache.Open(ctx, "dummy://")
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Set(ctx, "k", []byte("v"))
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("dummy Get = %v", err)
	}
}

func TestNoGoClientAndKeyFunction(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"file:///tmp/x", "db://table", "uwsgicache://"} {
		if _, err := cache.Open(ctx, u); !errors.Is(err, clients.ErrNoGoClient) || !strings.Contains(err.Error(), "no Go client serves") {
			t.Errorf("Open(%s) = %v, want clients.ErrNoGoClient", u, err)
		}
	}
	if _, err := cache.Open(ctx, "locmem://?key_function=app.kf"); !errors.Is(err, cache.ErrKeyFunction) {
		t.Errorf("key_function without WithKeyFunc = %v", err)
	}
	c, err := cache.Open(ctx, "locmem://?key_function=app.kf", cache.WithKeyFunc(func(k, p string, v int) string { return p + "/" + strconv.Itoa(v) + "/" + k }))
	if err != nil || c.MakeKey("k") != "/1/k" {
		t.Fatalf("WithKeyFunc: %v", err)
	}
}

func TestMakeKey(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"locmem://", ":1:k"},
		{"locmem://?key_prefix=app", "app:1:k"},
		{"locmem://?key_prefix=app&version=3", "app:3:k"},
	} {
		c, err := cache.Open(context.Background(), tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.MakeKey("k"); got != tc.want {
			t.Errorf("%s: MakeKey = %q, want %q", tc.url, got, tc.want)
		}
	}
}

// WithClient: the cache uses the caller's client (and closes it); a client
// of the wrong type, or for an in-process URL, is an error.
func TestWithClient(t *testing.T) {
	ctx := context.Background()
	s := redisserver.Start(t, redisserver.Config{})
	rc := redis.NewClient(&redis.Options{Addr: s.Addr, DB: 4})
	cfg, err := core.Parse("redis://127.0.0.1:1/0?key_prefix=wc") // not where rc points
	if err != nil {
		t.Fatal(err)
	}
	c, err := cache.New(ctx, cfg, cache.WithClient(rc))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := rc.Get(ctx, "wc:1:k").Result(); err != nil || v != "v" {
		t.Fatalf("the caller's client (db 4) has wc:1:k = %q, %v", v, err)
	}
	var got *redis.Client
	if !c.As(&got) || got != rc {
		t.Error("As does not give the caller's client")
	}
	_ = c.Close()
	if err := rc.Ping(ctx).Err(); !errors.Is(err, redis.ErrClosed) {
		t.Errorf("after Close, the client answers %v; want redis.ErrClosed", err)
	}
	for _, tc := range []struct {
		url    string
		client any
	}{
		{"redis://h/0", &memcache.Client{}},
		{"memcached://h:11211", rc},
		{"locmem://", rc},
	} {
		cfg, _ := core.Parse(tc.url)
		if _, err := cache.New(ctx, cfg, cache.WithClient(tc.client)); err == nil {
			t.Errorf("%s with WithClient(%T): no error", tc.url, tc.client)
		}
	}
}

// An option no driver knows is an error (a typo, usually), unless
// AllowUnknownOptions; locmem and dummy take none.
func TestUnknownOptions(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"locmem://?max_entires=10", "dummy://?x=1", "redis://127.0.0.1:1/0?pool_sise=3", "memcached://127.0.0.1:1?foo=1"} {
		_, err := cache.Open(ctx, u)
		if !errors.Is(err, clients.ErrUnknownOption) {
			t.Errorf("Open(%s) = %v, want clients.ErrUnknownOption", u, err)
		}
		c, err := cache.Open(ctx, u, cache.AllowUnknownOptions())
		if err != nil {
			t.Errorf("Open(%s, AllowUnknownOptions) = %v", u, err)
			continue
		}
		_ = c.Close()
	}
	_, err := cache.Open(ctx, "locmem://?max_entires=10")
	var ce *clients.Error
	if !errors.As(err, &ce) || len(ce.Options) != 1 || ce.Options[0] != "max_entires" || !strings.Contains(err.Error(), `"max_entires"`) {
		t.Errorf("locmem unknown option error = %#v", err)
	}
}

// TestNewHandMadeConfig: New normalizes the config first, so a hand-made
// redis config with only Scheme and Hosts opens and round-trips a value,
// and a hand-made config with secrets in the wrong fields, or an invalid
// one, is an error that shows none of them.
func TestNewHandMadeConfig(t *testing.T) {
	ctx := context.Background()
	s := redisserver.Start(t, redisserver.Config{})
	c, err := cache.New(ctx, core.Config{Scheme: "redis", Hosts: []string{s.Addr}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Set(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k"); err != nil || string(v) != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}

	for _, tt := range []struct {
		cfg  core.Config
		kind error
	}{
		{core.Config{Scheme: "redis://u:hunter2pw@h", Backend: core.BackendFile}, core.ErrUnknownScheme},
		{core.Config{Scheme: "redis", Hosts: []string{"u:hunter2pw@h"}}, core.ErrInvalidHost},
		{core.Config{Scheme: "redis", Hosts: []string{"h:99999"}, Password: "hunter2pw"}, core.ErrInvalidPort},
		{core.Config{Scheme: "memcached", Hosts: []string{"h"}, Password: "hunter2pw", Options: map[string]string{"token": "hunter2pw"}}, core.ErrInvalidUserinfo},
		{core.Config{Scheme: "file", Path: "/tmp/c", Options: map[string]string{"auth_token": "hunter2pw"}}, clients.ErrNoGoClient},
		{core.Config{Scheme: "locmem", Options: map[string]string{"x_password": "hunter2pw"}}, clients.ErrUnknownOption},
	} {
		_, err := cache.New(ctx, tt.cfg)
		if !errors.Is(err, tt.kind) {
			t.Errorf("New(%v) = %v, want kind %v", tt.cfg, err, tt.kind)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("New(%v) = %v: shows the password", tt.cfg, err)
		}
	}
}
