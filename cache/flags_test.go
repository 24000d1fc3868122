package cache_test

import (
	"context"
	"testing"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

// TestFlagsOnMemcached: the flags word of WithFlags, SetManyItems and
// IncrVersion is the one memcached keeps (read back by a gomemcache client
// of the test's own), and GetItem and GetManyItems return it.
func TestFlagsOnMemcached(t *testing.T) {
	s := memcachedserver.Start(t)
	ctx := context.Background()
	c, err := cache.Open(ctx, "memcached://"+s.Address()+"?key_prefix=f")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw := memcache.New(s.Address())
	defer raw.Close()
	onServer := func(made string) (string, uint32) {
		t.Helper()
		it, err := raw.Get(made)
		if err != nil {
			t.Fatalf("server get %s: %v", made, err)
		}
		return string(it.Value), it.Flags
	}

	if err := c.Set(ctx, "plain", []byte("p")); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "text", []byte("Zoë"), cache.WithFlags(16)); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Add(ctx, "int", []byte("42"), cache.WithFlags(2), cache.WithTTL(core.TTLSeconds(0))); err != nil || !ok {
		t.Fatalf("add: %v %v", ok, err)
	}
	if ok, err := c.Add(ctx, "int2", []byte("42"), cache.WithFlags(4)); err != nil || !ok {
		t.Fatalf("add: %v %v", ok, err)
	}
	if err := c.SetMany(ctx, map[string][]byte{"m1": []byte("a"), "m2": []byte("b")}, cache.WithFlags(1)); err != nil {
		t.Fatal(err)
	}
	if err := c.SetManyItems(ctx, map[string]cache.Item{"i1": {Value: []byte("x"), Flags: 16}, "i2": {Value: []byte("7"), Flags: 4}}, cache.WithFlags(99)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key, value string
		flags      uint32
	}{
		{"plain", "p", 0}, {"text", "Zoë", 16}, {"int2", "42", 4},
		{"m1", "a", 1}, {"m2", "b", 1}, {"i1", "x", 16}, {"i2", "7", 4},
	} {
		v, f := onServer("f:1:" + tc.key)
		if v != tc.value || f != tc.flags {
			t.Errorf("%s on the server: %q flags %d, want %q flags %d", tc.key, v, f, tc.value, tc.flags)
		}
		it, err := c.GetItem(ctx, tc.key)
		if err != nil || string(it.Value) != tc.value || it.Flags != tc.flags {
			t.Errorf("GetItem(%s) = %q flags %d, %v; want %q flags %d", tc.key, it.Value, it.Flags, err, tc.value, tc.flags)
		}
	}
	if _, err := c.GetItem(ctx, "int"); err != cache.ErrNotFound {
		t.Errorf("an Add with a 0 expiry stored something: %v", err)
	}
	got, err := c.GetManyItems(ctx, []string{"text", "plain", "i2", "absent"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]cache.Item{"text": {Value: []byte("Zoë"), Flags: 16}, "plain": {Value: []byte("p")}, "i2": {Value: []byte("7"), Flags: 4}}
	if len(got) != len(want) {
		t.Errorf("GetManyItems: %d items, want %d", len(got), len(want))
	}
	for k, w := range want {
		if g := got[k]; string(g.Value) != string(w.Value) || g.Flags != w.Flags {
			t.Errorf("GetManyItems[%s] = %q flags %d, want %q flags %d", k, g.Value, g.Flags, w.Value, w.Flags)
		}
	}
	// Incr keeps the flags (memcached's incr does); IncrVersion moves them.
	if n, err := c.Incr(ctx, "int2", 1); err != nil || n != 43 {
		t.Fatalf("incr: %d %v", n, err)
	}
	if v, err := c.IncrVersion(ctx, "text", 1); err != nil || v != 2 {
		t.Fatalf("incr_version: %d %v", v, err)
	}
	if v, f := onServer("f:2:text"); v != "Zoë" || f != 16 {
		t.Errorf("after IncrVersion: %q flags %d, want flags 16", v, f)
	}
	if v, f := onServer("f:1:int2"); v != "43" || f != 4 {
		t.Errorf("after Incr: %q flags %d, want flags 4", v, f)
	}
	// GetOrSet stores with the flags of its options.
	if _, err := c.GetOrSet(ctx, "filled", func(context.Context) ([]byte, error) { return []byte("v"), nil }, cache.WithFlags(1)); err != nil {
		t.Fatal(err)
	}
	if _, f := onServer("f:1:filled"); f != 1 {
		t.Errorf("GetOrSet stored flags %d, want 1", f)
	}
}

// TestFlagsIgnoredOnLocmem and TestFlagsIgnoredOnRedis: redis and locmem
// keep no flags; the Item calls work there with Flags 0.
func TestFlagsIgnoredOnLocmem(t *testing.T) { noFlags(t, "locmem://") }

func TestFlagsIgnoredOnRedis(t *testing.T) {
	noFlags(t, "redis://"+redisserver.Start(t, redisserver.Config{}).Addr+"/0")
}

func noFlags(t *testing.T, u string) {
	ctx := context.Background()
	c, err := cache.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Set(ctx, "k", []byte("v"), cache.WithFlags(16)); err != nil {
		t.Fatal(err)
	}
	if err := c.SetManyItems(ctx, map[string]cache.Item{"a": {Value: []byte("1"), Flags: 4}}); err != nil {
		t.Fatal(err)
	}
	if it, err := c.GetItem(ctx, "k"); err != nil || string(it.Value) != "v" || it.Flags != 0 {
		t.Errorf("GetItem = %q flags %d, %v", it.Value, it.Flags, err)
	}
	got, err := c.GetManyItems(ctx, []string{"a", "k", "none"})
	if err != nil || len(got) != 2 || string(got["a"].Value) != "1" || got["a"].Flags != 0 {
		t.Errorf("GetManyItems = %v, %v", got, err)
	}
	if v, err := c.IncrVersion(ctx, "k", 1); err != nil || v != 2 {
		t.Errorf("IncrVersion = %d, %v", v, err)
	}
	if v, err := c.Version(2).Get(ctx, "k"); err != nil || string(v) != "v" {
		t.Errorf("the moved value: %q, %v", v, err)
	}
	if _, err := c.GetItem(ctx, "none"); err != cache.ErrNotFound {
		t.Errorf("a miss: %v", err)
	}
}
