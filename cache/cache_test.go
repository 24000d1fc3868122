package cache_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

// conformance checks the semantics shared by every storing driver.
func conformance(t *testing.T, rawURL string) {
	ctx := context.Background()
	c, err := cache.Open(ctx, rawURL)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Clear(ctx); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("Get missing = %v, want ErrNotFound", err)
	}
	if err := c.Set(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k"); err != nil || string(v) != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if ok, _ := c.Add(ctx, "k", []byte("w")); ok {
		t.Fatal("Add on a present key stored")
	}
	if ok, _ := c.Add(ctx, "a", []byte("1")); !ok {
		t.Fatal("Add on an absent key did not store")
	}
	if ok, _ := c.Has(ctx, "a"); !ok {
		t.Fatal("Has after Add = false")
	}
	if n, err := c.Incr(ctx, "a", 5); err != nil || n != 6 {
		t.Fatalf("Incr = %d, %v", n, err)
	}
	if n, err := c.Incr(ctx, "a", -2); err != nil || n != 4 {
		t.Fatalf("Decr = %d, %v", n, err)
	}
	if v, _ := c.Get(ctx, "a"); string(v) != "4" {
		t.Fatalf("counter text = %q, want 4", v)
	}
	if _, err := c.Incr(ctx, "missing", 1); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("Incr missing = %v", err)
	}
	if ok, _ := c.Delete(ctx, "a"); !ok {
		t.Fatal("Delete present = false")
	}
	if ok, _ := c.Delete(ctx, "a"); ok {
		t.Fatal("Delete absent = true")
	}
	if ok, _ := c.Touch(ctx, "k", cache.WithTTL(core.TTLSeconds(100))); !ok {
		t.Fatal("Touch present = false")
	}
	if ok, _ := c.Touch(ctx, "nope"); ok {
		t.Fatal("Touch absent = true")
	}
	// 0 removes an existing entry and stores nothing.
	if err := c.Set(ctx, "k", []byte("x"), cache.WithTTL(core.TTLSeconds(0))); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("Get after Set ttl 0 = %v", err)
	}
	if err := c.SetMany(ctx, map[string][]byte{"m1": []byte("1"), "m2": []byte("2")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetMany(ctx, []string{"m1", "m2", "m3"})
	if err != nil || len(got) != 2 || string(got["m1"]) != "1" || string(got["m2"]) != "2" {
		t.Fatalf("GetMany = %q, %v", got, err)
	}
	if err := c.DeleteMany(ctx, []string{"m1", "m2"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetMany(ctx, []string{"m1", "m2"}); len(got) != 0 {
		t.Fatalf("GetMany after DeleteMany = %q", got)
	}
	// Concurrent increments are atomic.
	_ = c.Set(ctx, "n", []byte("0"))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				if _, err := c.Incr(ctx, "n", 1); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if v, _ := c.Get(ctx, "n"); string(v) != "80" {
		t.Fatalf("after 80 concurrent incr = %q", v)
	}
	if err := c.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Has(ctx, "n"); ok {
		t.Fatal("Has after Clear = true")
	}
}

func TestLocmem(t *testing.T) { conformance(t, "locmem://") }

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

func TestUnsupportedAndKeyFunction(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"file:///tmp/x", "db://table"} {
		if _, err := cache.Open(ctx, u); !errors.Is(err, cache.ErrUnsupported) {
			t.Errorf("Open(%s) = %v, want ErrUnsupported", u, err)
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

func TestRedis(t *testing.T) {
	s := redisserver.Start(t, redisserver.Config{})
	u := "redis://" + s.Addr + "/0?key_prefix=app"
	conformance(t, u)
	ctx := context.Background()
	c, err := cache.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var rc redis.UniversalClient
	if !c.As(&rc) {
		t.Fatal("As(UniversalClient) = false")
	}
	_ = rc.Set(ctx, "other", "x", 0)
	_ = c.Set(ctx, "k", []byte("v"))
	if v, _ := rc.Get(ctx, "app:1:k").Result(); v != "v" {
		t.Fatalf("server key app:1:k = %q", v)
	}
	if ttl, _ := rc.TTL(ctx, "app:1:k").Result(); ttl <= 290*time.Second || ttl > 300*time.Second {
		t.Fatalf("default TTL = %v, want 300s", ttl)
	}
	_ = c.Set(ctx, "n", []byte("1"), cache.WithTTL(core.TTLSeconds(100)))
	_, _ = c.Incr(ctx, "n", 1)
	if ttl, _ := rc.TTL(ctx, "app:1:n").Result(); ttl <= 90*time.Second {
		t.Fatalf("TTL after Incr = %v, want kept", ttl)
	}
	_ = c.Set(ctx, "f", []byte("v"), cache.WithTTL(core.NeverExpire))
	if ttl, _ := rc.TTL(ctx, "app:1:f").Result(); ttl != -1 {
		t.Fatalf("never TTL = %v", ttl)
	}
	if err := c.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _ := rc.Get(ctx, "other").Result(); v != "x" {
		t.Fatal("Clear removed a key outside the prefix")
	}
}

func TestMemcached(t *testing.T) {
	s := memcachedserver.Start(t)
	conformance(t, s.URL())
	c, err := cache.Open(context.Background(), s.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	long := string(make([]byte, 250))
	for _, k := range []string{"a b", "a\nb", long} {
		if _, err := c.Get(context.Background(), k); !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("Get(%q) = %v, want ErrInvalidKey", k, err)
		}
	}
}

func TestRedisCluster(t *testing.T) {
	cl := redisserver.StartCluster(t, 3)
	conformance(t, "redis+cluster://"+strings.Join(cl.Addrs, ",")+"?key_prefix=app")
}

func TestRedisSocket(t *testing.T) {
	s := redisserver.Start(t, redisserver.Config{Socket: true})
	conformance(t, "redis://"+s.Socket+"/1")
}

// TestMemcachedOver30Days: memcached reads an expiry above 30 days as an
// absolute Unix time, so a 40-day TTL sent as seconds would be in 1970 and
// expire at once; the entry being readable shows the absolute form was sent.
func TestMemcachedOver30Days(t *testing.T) {
	s := memcachedserver.Start(t)
	ctx := context.Background()
	c, err := cache.Open(ctx, s.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Set(ctx, "long", []byte("v"), cache.WithTTL(core.TTLSeconds(40*24*3600))); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "long"); err != nil || string(v) != "v" {
		t.Fatalf("Get after a 40-day Set = %q, %v", v, err)
	}
}
