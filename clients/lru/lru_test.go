package lru_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/cache/locmem"

	"github.com/cacheurl/cacheurl/clients/lru"
	"github.com/cacheurl/cacheurl/core"
)

// Both implementations satisfy Cache.
var (
	_ lru.Cache[string, []byte] = (*locmem.LRU[string, []byte])(nil)
	_ lru.Cache[string, []byte] = lru.Dummy[string, []byte]{}
)

func mustParse(t *testing.T, u string) core.Config {
	t.Helper()
	cfg, err := core.Parse(u)
	if err != nil {
		t.Fatalf("core.Parse(%q): %v", u, err)
	}
	return cfg
}

func TestParseSettings(t *testing.T) {
	tests := []struct {
		url  string
		want lru.Settings
	}{
		// Django's defaults: MAX_ENTRIES 300, TIMEOUT 300 s.
		{"locmem://", lru.Settings{MaxEntries: 300, TTL: 300 * time.Second}},
		{"locmem://sessions", lru.Settings{MaxEntries: 300, TTL: 300 * time.Second}},
		{"locmemcache://x", lru.Settings{MaxEntries: 300, TTL: 300 * time.Second}},
		{"locmem://?max_entries=2", lru.Settings{MaxEntries: 2, TTL: 300 * time.Second}},
		{"locmem://?max_entries=1", lru.Settings{MaxEntries: 1, TTL: 300 * time.Second}},
		{"locmem://?timeout=60", lru.Settings{MaxEntries: 300, TTL: time.Minute}},
		{"locmem://?ttl=1h30m", lru.Settings{MaxEntries: 300, TTL: 90 * time.Minute}},
		{"locmem://?timeout=1", lru.Settings{MaxEntries: 300, TTL: time.Second}},
		// none: no expiry (TTL 0, the store's "no expiry").
		{"locmem://?timeout=none", lru.Settings{MaxEntries: 300}},
		{"locmem://?timeout=None&max_entries=5", lru.Settings{MaxEntries: 5}},
		// 0: Django's "expire at once": nothing is kept.
		{"locmem://?timeout=0", lru.Settings{Noop: true}},
		{"locmem://?timeout=0s&max_entries=9", lru.Settings{Noop: true}},
		// Cache arguments the LRU does not use are no error.
		{"locmem://?cull_frequency=3&key_prefix=p&version=2&key_function=a.b", lru.Settings{MaxEntries: 300, TTL: 300 * time.Second}},
		// dummy: nothing is kept, whatever the arguments.
		{"dummy://", lru.Settings{Noop: true}},
		{"dummycache://x?timeout=60&max_entries=3", lru.Settings{Noop: true}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := lru.ParseSettings(mustParse(t, tt.url))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		url    string
		kind   error
		wantIn []string
	}{
		{"file:///var/tmp/django_cache", lru.ErrNoGoClient, []string{"no Go client for this Django backend", "FileBasedCache"}},
		{"filecache://relative/dir", lru.ErrNoGoClient, []string{"FileBasedCache"}},
		{"db://cache_table", lru.ErrNoGoClient, []string{"DatabaseCache"}},
		{"dbcache://cache_table", lru.ErrNoGoClient, nil},
		{"uwsgicache://", lru.ErrNoGoClient, []string{"uwsgicache.UWSGICache"}},
		{"redis://:s3cret@cache:6379/1", lru.ErrWrongBackend, []string{"goredis"}},
		{"rediss+sentinel://s1/mymaster", lru.ErrWrongBackend, []string{"goredis"}},
		{"valkey://h", lru.ErrWrongBackend, []string{"goredis"}},
		{"memcached://a:11211,b", lru.ErrWrongBackend, []string{"gomemcache"}},
		{"pymemcache:///tmp/mc.sock", lru.ErrWrongBackend, []string{"gomemcache"}},
		{"locmem://?max_entires=100", lru.ErrUnknownOption, []string{`unknown option "max_entires"`, "AllowUnknownOptions"}},
		{"locmem://?zeta=1&alpha=2", lru.ErrUnknownOption, []string{`unknown options "alpha", "zeta"`}},
		{"dummy://?password=s3cret", lru.ErrUnknownOption, []string{`"password"`}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			cfg := mustParse(t, tt.url)
			c, err := lru.New[string, int](cfg)
			if c != nil || !errors.Is(err, tt.kind) {
				t.Fatalf("New = %v, %v; want nil, %v", c, err, tt.kind)
			}
			var e *lru.Error
			if !errors.As(err, &e) || e.URL != cfg.Redacted() {
				t.Fatalf("error %#v is not an *lru.Error with the redacted URL %q", err, cfg.Redacted())
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "lru: ") || strings.Contains(msg, "s3cret") {
				t.Errorf("message %q: want the lru: prefix and no password", msg)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not contain %q", msg, s)
				}
			}
		})
	}
}

func TestAllowUnknownOptions(t *testing.T) {
	cfg := mustParse(t, "locmem://?zeta=1&alpha=2&max_entries=7")
	s, err := lru.ParseSettings(cfg, lru.AllowUnknownOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := lru.Settings{MaxEntries: 7, TTL: 300 * time.Second, Ignored: []string{"alpha", "zeta"}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %+v, want %+v", s, want)
	}
	// Still no Go client for a file cache.
	if _, err := lru.New[string, int](mustParse(t, "file:///tmp/c"), lru.AllowUnknownOptions()); !errors.Is(err, lru.ErrNoGoClient) {
		t.Errorf("file:// with AllowUnknownOptions: %v, want ErrNoGoClient", err)
	}
}

func TestHandBuiltConfigs(t *testing.T) {
	zero := 0
	if _, err := lru.ParseSettings(core.Config{Scheme: "locmem", MaxEntries: &zero}); !errors.Is(err, lru.ErrInvalidValue) {
		t.Errorf("max_entries 0: %v, want ErrInvalidValue", err)
	}
	if s, err := lru.ParseSettings(core.Config{Scheme: "locmem"}); err != nil || s.MaxEntries != 300 {
		t.Errorf("scheme only: %+v, %v; want the locmem defaults", s, err)
	}
	if _, err := lru.ParseSettings(core.Config{Scheme: "nosuch"}); !errors.Is(err, lru.ErrWrongBackend) {
		t.Errorf("unknown scheme: %v, want ErrWrongBackend", err)
	}
}

// max_entries: the least recently used entry goes first.
func TestEvictionAtMaxEntries(t *testing.T) {
	c, err := lru.New[string, int](mustParse(t, "locmem://?max_entries=2"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(*locmem.LRU[string, int]); !ok {
		t.Fatalf("New returned %T, want *locmem.LRU", c)
	}
	if c.Add("a", 1) || c.Add("b", 2) {
		t.Fatal("eviction below max_entries")
	}
	if v, ok := c.Get("a"); !ok || v != 1 { // a is now more recent than b
		t.Fatalf("Get(a) = %d, %v", v, ok)
	}
	if !c.Add("c", 3) {
		t.Fatal("Add(c) over max_entries reported no eviction")
	}
	if _, ok := c.Get("b"); ok {
		t.Error("b, the least recently used entry, was not evicted")
	}
	for k, want := range map[string]int{"a": 1, "c": 3} {
		if v, ok := c.Get(k); !ok || v != want {
			t.Errorf("Get(%s) = %d, %v; want %d, true", k, v, ok, want)
		}
	}
	if c.Len() != 2 {
		t.Errorf("Len = %d, want 2", c.Len())
	}
}

// Without max_entries the cache holds Django's 300 entries.
func TestDefaultMaxEntries(t *testing.T) {
	c, err := lru.New[int, int](mustParse(t, "locmem://"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= 300; i++ {
		c.Add(i, i)
	}
	if c.Len() != 300 {
		t.Errorf("Len = %d after 301 adds, want 300", c.Len())
	}
	if _, ok := c.Get(0); ok {
		t.Error("the first entry survived the 301st add")
	}
	if v, ok := c.Get(300); !ok || v != 300 {
		t.Errorf("Get(300) = %d, %v", v, ok)
	}
}

// timeout=1: an entry is gone a second after it was added; timeout=none
// keeps it. (the store reads the wall clock, so this waits 1.1 s; it runs
// in parallel with the rest.)
func TestTTLExpiry(t *testing.T) {
	t.Parallel()
	short, err := lru.New[string, string](mustParse(t, "locmem://?timeout=1"))
	if err != nil {
		t.Fatal(err)
	}
	never, err := lru.New[string, string](mustParse(t, "locmem://?timeout=none"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	short.Add("k", "v")
	never.Add("k", "v")
	if v, ok := short.Get("k"); !ok || v != "v" {
		if time.Since(start) < time.Second {
			t.Fatalf("Get right after Add: %q, %v", v, ok)
		}
	}
	time.Sleep(time.Second + 100*time.Millisecond)
	if v, ok := short.Get("k"); ok {
		t.Errorf("timeout=1: Get after 1.1 s = %q, want a miss", v)
	}
	if v, ok := never.Get("k"); !ok || v != "v" {
		t.Errorf("timeout=none: Get after 1.1 s = %q, %v; want a hit", v, ok)
	}
}

// dummy:// and timeout=0 keep nothing.
func TestDummy(t *testing.T) {
	for _, u := range []string{"dummy://", "dummy://name?timeout=60", "locmem://?timeout=0"} {
		t.Run(u, func(t *testing.T) {
			c, err := lru.New[string, []byte](mustParse(t, u))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := c.(lru.Dummy[string, []byte]); !ok {
				t.Fatalf("New returned %T, want lru.Dummy", c)
			}
			if c.Add("k", []byte("v")) {
				t.Error("Add reported an eviction")
			}
			if v, ok := c.Get("k"); ok || v != nil {
				t.Errorf("Get = %q, %v; want nil, false", v, ok)
			}
			if v, ok := c.Peek("k"); ok || v != nil {
				t.Errorf("Peek = %q, %v", v, ok)
			}
			if c.Contains("k") || c.Remove("k") || c.Len() != 0 {
				t.Error("Contains, Remove or Len sees the entry")
			}
			if k, v, ok := c.GetOldest(); ok || k != "" || v != nil {
				t.Errorf("GetOldest = %q, %q, %v", k, v, ok)
			}
			if k, v, ok := c.RemoveOldest(); ok || k != "" || v != nil {
				t.Errorf("RemoveOldest = %q, %q, %v", k, v, ok)
			}
			if k, v := c.Keys(), c.Values(); k == nil || v == nil || len(k) != 0 || len(v) != 0 {
				t.Errorf("Keys %#v Values %#v, want empty slices", k, v)
			}
			if n := c.Resize(10); n != 0 {
				t.Errorf("Resize = %d", n)
			}
			c.Purge()
		})
	}
}

// Every Cache method behaves on the LRU as the interface documents.
func TestCacheInterfaceOnLRU(t *testing.T) {
	c, err := lru.New[string, int](mustParse(t, "locmem://?max_entries=3&timeout=none"))
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []string{"a", "b", "c"} {
		c.Add(k, i)
	}
	if got := fmt.Sprint(c.Keys(), c.Values()); got != "[a b c] [0 1 2]" {
		t.Errorf("Keys Values = %s", got)
	}
	if k, v, ok := c.GetOldest(); !ok || k != "a" || v != 0 {
		t.Errorf("GetOldest = %s %d %v", k, v, ok)
	}
	if v, ok := c.Peek("a"); !ok || v != 0 {
		t.Errorf("Peek(a) = %d %v", v, ok)
	}
	if k, _, ok := c.RemoveOldest(); !ok || k != "a" { // Peek did not refresh a
		t.Errorf("RemoveOldest = %s %v, want a", k, ok)
	}
	if !c.Contains("b") || !c.Remove("b") || c.Contains("b") {
		t.Error("Contains/Remove(b)")
	}
	if n := c.Resize(0); n != 0 || c.Len() != 1 {
		t.Errorf("Resize(0) = %d, Len %d", n, c.Len())
	}
	c.Purge()
	if c.Len() != 0 {
		t.Errorf("Len after Purge = %d", c.Len())
	}
}
