package koanfprovider_test

import (
	"os"
	"testing"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"
)

// url is the canonical URL of the cache under "cache" after Unmarshal.
func url(t *testing.T, k *koanf.Koanf) string {
	t.Helper()
	return core.Format(unmarshal(t, k, "cache"))
}

// expandMode is one way a program loads Expand: a new provider for every
// Load (koanf's idiom: providers are built where they are loaded) or one
// provider reused. The results must not differ.
type expandMode struct {
	name string
	// expander returns the function that gives the Expand provider to load
	// into k.
	expander func(k *koanf.Koanf, opt koanfprovider.Opt) func() koanf.Provider
}

var expandModes = []expandMode{
	{"new provider per load", func(k *koanf.Koanf, opt koanfprovider.Opt) func() koanf.Provider {
		return func() koanf.Provider { return koanfprovider.Expand(k, opt) }
	}},
	{"one reused provider", func(k *koanf.Koanf, opt koanfprovider.Opt) func() koanf.Provider {
		x := koanfprovider.Expand(k, opt)
		return func() koanf.Provider { return x }
	}},
}

// forEachMode runs f as a subtest in every expandMode.
func forEachMode(t *testing.T, f func(t *testing.T, m expandMode)) {
	for _, m := range expandModes {
		t.Run(m.name, func(t *testing.T) { f(t, m) })
	}
}

// TestLayering runs Expand after each Load, as a program that layers
// sources one by one does: a later source wins key by key, a later URL
// included, and a reload gives the new values. The expected URLs follow
// the layering rules of docs/structured.md.
func TestLayering(t *testing.T) {
	forEachMode(t, func(t *testing.T, m expandMode) {
		path := writeFile(t, "config.yaml", "cache:\n  url: redis://a/1?timeout=300\n  ttl: 60s\n")
		k := koanf.New(".")
		x := m.expander(k, koanfprovider.Opt{})
		step := func(name string, p koanf.Provider, pa koanf.Parser, want string) {
			t.Helper()
			if err := k.Load(p, pa); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			load(t, k, x())
			if got := url(t, k); got != want {
				t.Errorf("%s: got %s, want %s", name, got, want)
			}
		}
		// The file's ttl beside its URL beats the URL's timeout.
		step("file", file.Provider(path), yaml.Parser(), "redis://a/1?timeout=60")
		// A later URL sets the location, db and the timeout it carries; the
		// file's ttl was set by an earlier source, so the later URL wins.
		step("later url", confmap.Provider(map[string]any{"cache.url": "redis://b/2?timeout=10"}, "."), nil,
			"redis://b/2?timeout=10")
		// A later key beats the URL's value.
		step("later ttl", confmap.Provider(map[string]any{"cache.ttl": "never"}, "."), nil,
			"redis://b/2?timeout=none")
		// The file loaded again is the latest source: its URL and its ttl
		// win, as for any later source.
		if err := os.WriteFile(path, []byte("cache:\n  url: memcached://mc:11211\n  ttl: 60s\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		step("file again", file.Provider(path), yaml.Parser(), "memcached://mc:11211?timeout=60")
	})
}

// TestReloadChangesURL: a changed file loaded again into the same instance
// gives its new URL, not the first expansion's keys.
func TestReloadChangesURL(t *testing.T) {
	forEachMode(t, func(t *testing.T, m expandMode) {
		for _, next := range []struct{ url, want string }{
			{"redis://new-host:6380/2", "redis://new-host:6380/2"},
			{"memcached://mc:11211", "memcached://mc:11211"},
			{"redis+sentinel://s1,s2/mymaster/3", "redis+sentinel://s1,s2/mymaster/3"},
		} {
			path := writeFile(t, "config.yaml", "cache:\n  url: redis://old-host/1?key_prefix=old\n")
			k := koanf.New(".")
			x := m.expander(k, koanfprovider.Opt{})
			if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
				t.Fatal(err)
			}
			load(t, k, x())
			if got := url(t, k); got != "redis://old-host/1?key_prefix=old" {
				t.Fatalf("first load: %s", got)
			}
			if err := os.WriteFile(path, []byte("cache:\n  url: "+next.url+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
				t.Fatal(err)
			}
			load(t, k, x())
			// key_prefix went with the old URL that carried it.
			if got := url(t, k); got != next.want {
				t.Errorf("reload to %s: got %s, want %s", next.url, got, next.want)
			}
		}
	})
}

// TestFileEnvFlags is the README's program: a file, then the environment,
// then flags, expanding after each. The environment's URL with a timeout
// beats the file's ttl; a --cache.ttl flag beats the environment URL's
// timeout; an unset or empty CACHE_URL changes nothing.
func TestFileEnvFlags(t *testing.T) {
	path := writeFile(t, "config.yaml", "cache:\n  url: redis://file-host/1\n  ttl: 60s\n  key_prefix: app\n")
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"file only", nil, nil, "redis://file-host/1?timeout=60&key_prefix=app"},
		{"empty CACHE_URL changes nothing", []string{"CACHE_URL="}, nil, "redis://file-host/1?timeout=60&key_prefix=app"},
		{"env URL's timeout beats the file's ttl; the file's key_prefix stays",
			[]string{"CACHE_URL=redis://env-host/2?timeout=10"}, nil, "redis://env-host/2?timeout=10&key_prefix=app"},
		{"flag ttl beats the env URL's timeout",
			[]string{"CACHE_URL=redis://env-host/2?timeout=10"}, []string{"--cache.ttl=5m"}, "redis://env-host/2?timeout=300&key_prefix=app"},
	}
	forEachMode(t, func(t *testing.T, m expandMode) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := runLayers(t, m, path, tt.env, tt.args); got != tt.want {
					t.Errorf("got %s, want %s", got, tt.want)
				}
			})
		}
	})
}

// posflagChanged loads only the flags given on the command line (a nil
// koanf: posflag skips unchanged flags), so a flag's default never beats
// another source.
func posflagChanged(fs *pflag.FlagSet) koanf.Provider { return posflag.Provider(fs, ".", nil) }

// envCacheURL is koanf's own env provider with CACHE_URL as cache.url. Its
// TransformFunc drops an empty value: koanf's env provider cannot know
// that "" is not set, and a "" merged over an earlier source's url would
// replace it.
func envCacheURL(environment []string) koanf.Provider {
	return env.Provider(".", env.Opt{
		EnvironFunc: environ(environment...),
		TransformFunc: func(k, v string) (string, any) {
			if k == "CACHE_URL" && v != "" {
				return "cache.url", v
			}
			return "", nil
		},
	})
}

// runLayers loads the file, the environment (koanf's own env provider,
// CACHE_URL as cache.url) and the changed flags, expanding after each.
func runLayers(t *testing.T, m expandMode, path string, environment, args []string) string {
	t.Helper()
	k := koanf.New(".")
	x := m.expander(k, koanfprovider.Opt{})
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		t.Fatal(err)
	}
	load(t, k, x())
	load(t, k, envCacheURL(environment))
	load(t, k, x())
	fs := pflag.NewFlagSet("app", pflag.ContinueOnError)
	fs.String("cache.ttl", "", "default expiry")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	load(t, k, posflagChanged(fs))
	load(t, k, x())
	return url(t, k)
}

// TestExpandOnce: run once after all sources, Expand applies the rules to
// koanf's merged value, as viperhook does under viper: the file's ttl
// beside the (environment's) URL wins.
func TestExpandOnce(t *testing.T) {
	path := writeFile(t, "config.yaml", "cache:\n  url: redis://file-host/1\n  ttl: 60s\n")
	k := koanf.New(".")
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		t.Fatal(err)
	}
	load(t, k, confmap.Provider(map[string]any{"cache.url": "redis://env-host/2?timeout=10"}, "."))
	load(t, k, koanfprovider.Expand(k, koanfprovider.Opt{}))
	if got, want := url(t, k), "redis://env-host/2?timeout=60"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestLayeringErrorKeepsState: a source with a bad value is an error that
// leaves k as it was, so fixing the source and loading it again works.
func TestLayeringErrorKeepsState(t *testing.T) {
	forEachMode(t, func(t *testing.T, m expandMode) {
		k := koanf.New(".")
		x := m.expander(k, koanfprovider.Opt{})
		load(t, k, confmap.Provider(map[string]any{"cache.url": "redis://a/1", "cache.ttl": "60"}, "."))
		load(t, k, x())
		before := k.Sprint()
		load(t, k, confmap.Provider(map[string]any{"cache.db": "x"}, "."))
		loaded := k.Sprint()
		if err := k.Load(x(), nil); err == nil {
			t.Fatal("db: x expanded without an error")
		}
		if after := k.Sprint(); after != loaded || after == before {
			t.Errorf("a failed expansion changed k:\n%s\nwant\n%s", after, loaded)
		}
		load(t, k, confmap.Provider(map[string]any{"cache.db": 3}, "."))
		load(t, k, x())
		if got, want := url(t, k), "redis://a/3?timeout=60"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
}
