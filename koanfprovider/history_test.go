package koanfprovider_test

import (
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

// load of one source in a scenario: the source's name and its new
// contents. A name starting with "file" is a YAML file (loaded again from
// the same path when it changes); "env" is koanfprovider.Env with the
// given environment; "keys" is a confmap of flat keys (flags, say).
type sourceLoad struct {
	source string
	yaml   string
	env    []string
	keys   map[string]any
	want   string // the canonical URL of "cache" after this load and Expand
}

// provider returns the koanf provider and parser of l, writing a file
// source's contents under dir first.
func (l sourceLoad) provider(t *testing.T, dir string) (koanf.Provider, koanf.Parser) {
	t.Helper()
	switch {
	case l.yaml != "":
		path := filepath.Join(dir, l.source+".yaml")
		if err := os.WriteFile(path, []byte(l.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		return file.Provider(path), yaml.Parser()
	case l.keys != nil:
		return confmap.Provider(l.keys, "."), nil
	}
	return koanfprovider.Env(".", koanfprovider.Opt{EnvironFunc: environ(l.env...)}), nil
}

// historyScenarios are sequences of loads, each followed by Expand, with
// the config expected after each. Sources loaded again (a file that
// changed) are the latest source, as koanf merges them.
var historyScenarios = []struct {
	name  string
	loads []sourceLoad
}{
	{"a file whose url changes, its ttl beside it", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://a/1?timeout=300', ttl: 60s}", want: "redis://a/1?timeout=60"},
		{source: "file", yaml: "cache: {url: 'redis://b:6380/2?timeout=300', ttl: 60s}", want: "redis://b:6380/2?timeout=60"},
		{source: "file", yaml: "cache: {url: 'memcached://mc:11211', ttl: 60s}", want: "memcached://mc:11211?timeout=60"},
	}},
	{"a file whose url changes, no timeout in it", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://cache-a/1', ttl: 60s}", want: "redis://cache-a/1?timeout=60"},
		{source: "file", yaml: "cache: {url: 'redis://cache-b:6379/2', ttl: 60s}", want: "redis://cache-b/2?timeout=60"},
		{source: "file", yaml: "cache: {url: 'memcached://mc:11211', ttl: 60s}", want: "memcached://mc:11211?timeout=60"},
	}},
	{"only the host of the file's url changes", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://a/1?timeout=300', ttl: 60s}", want: "redis://a/1?timeout=60"},
		{source: "file", yaml: "cache: {url: 'redis://b/2?timeout=300', ttl: 60s}", want: "redis://b/2?timeout=60"},
	}},
	{"the environment's URL and password replace the file's location", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://cache-a/1', ttl: 60s}", want: "redis://cache-a/1?timeout=60"},
		{source: "env", env: []string{"CACHE_URL=redis://:s3cret@env-host:6380/5"}, want: "redis://:s3cret@env-host:6380/5?timeout=60"},
	}},
	{"file, environment, then a later key", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://a/1', key_prefix: app, ttl: 60s}", want: "redis://a/1?timeout=60&key_prefix=app"},
		{source: "env", env: []string{"CACHE_URL=redis://:pw@env-host:6380/5?timeout=10"}, want: "redis://:pw@env-host:6380/5?timeout=10&key_prefix=app"},
		{source: "keys", keys: map[string]any{"cache.ttl": "5m"}, want: "redis://:pw@env-host:6380/5?timeout=300&key_prefix=app"},
	}},
	{"an empty CACHE_URL changes nothing", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://a/1', key_prefix: app, ttl: 60s}", want: "redis://a/1?timeout=60&key_prefix=app"},
		{source: "env", env: []string{"CACHE_URL="}, want: "redis://a/1?timeout=60&key_prefix=app"},
		{source: "keys", keys: map[string]any{"cache.ttl": "5m"}, want: "redis://a/1?timeout=300&key_prefix=app"},
	}},
	{"an unset CACHE_URL changes nothing", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://a/1', key_prefix: app, ttl: 60s}", want: "redis://a/1?timeout=60&key_prefix=app"},
		{source: "env", want: "redis://a/1?timeout=60&key_prefix=app"},
	}},
	{"the environment alone, unset, is locmem://", []sourceLoad{
		{source: "env", want: "locmem://"},
	}},
	{"a later source's null and empty keys change nothing", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://a/1', ttl: 60s}", want: "redis://a/1?timeout=60"},
		{source: "other", yaml: "cache: {key_prefix: '', hosts: [], options: {}}", want: "redis://a/1?timeout=60"},
	}},
	{"keys beside the url go with it; a later url drops the earlier url's", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://a/1?key_prefix=x&pool_size=5'}", want: "redis://a/1?key_prefix=x&pool_size=5"},
		{source: "keys", keys: map[string]any{"cache.options.read_timeout": "1s", "cache.db": 0}, want: "redis://a/0?key_prefix=x&pool_size=5&read_timeout=1s"},
		{source: "env", env: []string{"CACHE_URL=redis:///run/redis.sock?pool_size=7"}, want: "redis:///run/redis.sock?pool_size=7&read_timeout=1s"},
		{source: "file", yaml: "cache: {url: 'memcached://mc'}", want: "memcached://mc?read_timeout=1s"},
	}},
	{"a key in another case replaces the canonical one", []sourceLoad{
		{source: "file", yaml: "cache: {url: 'redis://a/1', ttl: 60s}", want: "redis://a/1?timeout=60"},
		{source: "keys", keys: map[string]any{"cache.TTL": "never"}, want: "redis://a/1?timeout=none"},
		{source: "keys2", keys: map[string]any{"cache.Url": "redis://b/2"}, want: "redis://b/2?timeout=none"},
	}},
}

// expandState loads Expand into k and returns every key's value after it.
func expandState(t *testing.T, k *koanf.Koanf, x koanf.Provider) map[string]any {
	t.Helper()
	load(t, k, x)
	return k.All()
}

// TestNoHistory: the config depends only on what the sources hold now and
// their order — not on how many times Expand ran, nor on whether the
// provider is new or reused, nor on what a source held before. After each
// load of each scenario the config is the expected one, expanding again
// changes nothing, and a brand-new instance loading only the current
// contents, in order, gives the same config.
func TestNoHistory(t *testing.T) {
	for _, sc := range historyScenarios {
		t.Run(sc.name, func(t *testing.T) {
			forEachMode(t, func(t *testing.T, m expandMode) {
				dir := t.TempDir()
				k := koanf.New(".")
				x := m.expander(k, koanfprovider.Opt{})
				var order []sourceLoad // the current contents, latest load last
				for i, l := range sc.loads {
					p, pa := l.provider(t, dir)
					if err := k.Load(p, pa); err != nil {
						t.Fatalf("load %d (%s): %v", i, l.source, err)
					}
					state := expandState(t, k, x())
					if got := url(t, k); got != l.want {
						t.Errorf("load %d (%s): got %s, want %s", i, l.source, got, l.want)
					}
					if again := expandState(t, k, x()); !reflect.DeepEqual(again, state) {
						t.Errorf("load %d (%s): expanding again changed the keys:\n%v\nwas\n%v", i, l.source, again, state)
					}
					for j, o := range order {
						if o.source == l.source {
							order = append(order[:j], order[j+1:]...)
							break
						}
					}
					order = append(order, l)
					if fresh := freshURL(t, order); fresh != l.want {
						t.Errorf("load %d (%s): a fresh instance of the current sources gives %s, want %s", i, l.source, fresh, l.want)
					}
				}
			})
		})
	}
}

// freshURL loads the sources into a new instance, in order, with a new
// Expand after each, and returns the cache's canonical URL.
func freshURL(t *testing.T, sources []sourceLoad) string {
	t.Helper()
	dir := t.TempDir()
	k := koanf.New(".")
	for _, l := range sources {
		p, pa := l.provider(t, dir)
		if err := k.Load(p, pa); err != nil {
			t.Fatal(err)
		}
		load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
	}
	return url(t, k)
}

// TestNamedNoHistory: named caches follow the same rules; a name's
// spelling in another case is the same cache, and the case-folded name
// stays the only one.
func TestNamedNoHistory(t *testing.T) {
	opt := koanfprovider.Opt{Named: true}
	forEachMode(t, func(t *testing.T, m expandMode) {
		dir := t.TempDir()
		k := koanf.New(".")
		x := m.expander(k, opt)
		step := func(name string, l sourceLoad, want map[string]string) {
			t.Helper()
			p, pa := l.provider(t, dir)
			if l.env != nil || (l.yaml == "" && l.keys == nil) {
				p = koanfprovider.Env(".", koanfprovider.Opt{Named: true, EnvironFunc: environ(l.env...)})
			}
			if err := k.Load(p, pa); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			load(t, k, x())
			var got map[string]core.Config
			if err := k.Unmarshal("caches", &got); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			gotURLs := map[string]string{}
			for n, c := range got {
				gotURLs[n] = core.Format(c)
			}
			if !reflect.DeepEqual(gotURLs, want) {
				t.Errorf("%s: got %v, want %v", name, gotURLs, want)
			}
		}
		step("file", sourceLoad{source: "file", yaml: "caches: {Sessions: 'redis://a/1', default: {url: 'memcached://m', ttl: 60}}"},
			map[string]string{"sessions": "redis://a/1", "default": "memcached://m?timeout=60"})
		step("env, CACHE_URL unset", sourceLoad{source: "env", env: []string{"SESSIONS_CACHE_URL=redis://b/2"}},
			map[string]string{"sessions": "redis://b/2", "default": "memcached://m?timeout=60"})
		step("file again", sourceLoad{source: "file", yaml: "caches: {Sessions: 'redis://c/3', default: {url: 'memcached://m', ttl: 60}}"},
			map[string]string{"sessions": "redis://c/3", "default": "memcached://m?timeout=60"})
		if got := k.MapKeys("caches"); !reflect.DeepEqual(got, []string{"default", "sessions"}) {
			t.Errorf("caches = %v, want [default sessions]", got)
		}
	})
}

// TestEnvAloneNamedDefault: with Named, an unset CACHE_URL still gives the
// cache "default" once Expand ran.
func TestEnvAloneNamedDefault(t *testing.T) {
	k := koanf.New(".")
	opt := koanfprovider.Opt{Named: true, EnvironFunc: environ()}
	load(t, k, koanfprovider.Env(".", opt))
	load(t, k, koanfprovider.Expand(k, opt))
	wantConfig(t, unmarshal(t, k, "caches.default"), core.Config{Scheme: "locmem", Backend: core.BackendLocmem})
}

// TestConcurrentReaders: readers that unmarshal while another goroutine
// loads the file again and expands, in the same instance, never see the
// cache missing: Expand writes its result in one merge.
func TestConcurrentReaders(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	contents := []string{
		"cache: {url: 'redis://a/1', ttl: 60s}",
		"cache: {url: 'redis:///run/redis.sock?pool_size=3', key_prefix: b}",
		"cache: {url: 'memcached://m1,m2', ttl: never}",
	}
	k := koanf.New(".")
	reload := func(i int) {
		if err := os.WriteFile(path, []byte(contents[i%len(contents)]), 0o600); err != nil {
			t.Error(err)
			return
		}
		if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
			t.Error(err)
			return
		}
		if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil); err != nil {
			t.Error(err)
		}
	}
	reload(0)
	var (
		stop  atomic.Bool
		reads atomic.Int64
		wg    sync.WaitGroup
	)
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				var c core.Config
				if err := k.Unmarshal("cache", &c); err != nil {
					t.Errorf("Unmarshal during a reload: %v", err)
					return
				}
				if c.Scheme == "" || c.Backend == "" {
					t.Errorf("a reader saw the cache missing: %#v", c)
					return
				}
				reads.Add(1)
			}
		}()
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	for i := 1; time.Now().Before(deadline); i++ {
		reload(i)
	}
	stop.Store(true)
	wg.Wait()
	if reads.Load() == 0 {
		t.Error("no read happened during the reloads")
	}
}
