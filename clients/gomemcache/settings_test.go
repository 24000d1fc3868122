package gomemcache_test

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/core"
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
		want gomemcache.Settings
	}{
		// Servers: URL order kept, 11211 filled in where no port is written.
		{"memcached://cache:11211", gomemcache.Settings{Servers: []string{"cache:11211"}}},
		{"memcached://cache", gomemcache.Settings{Servers: []string{"cache:11211"}}},
		{"memcached://cache:", gomemcache.Settings{Servers: []string{"cache:11211"}}},
		{"memcached://b:2,a:1", gomemcache.Settings{Servers: []string{"b:2", "a:1"}}},
		{"pymemcache://a:1,b,[::1],[::1]:2,[fe80::1%25eth0]", gomemcache.Settings{
			Servers: []string{"a:1", "b:11211", "[::1]:11211", "[::1]:2", "[fe80::1%eth0]:11211"}}},
		{"memcached://Cache.Example.COM", gomemcache.Settings{Servers: []string{"Cache.Example.COM:11211"}}},
		{"memcached:///var/run/memcached.sock", gomemcache.Settings{Servers: []string{"/var/run/memcached.sock"}}},
		{"memcached:///path/to/socket/", gomemcache.Settings{Servers: []string{"/path/to/socket/"}}},
		// Every memcached-family scheme.
		{"pymemcached://h", gomemcache.Settings{Servers: []string{"h:11211"}}},
		{"djangopylibmc://h", gomemcache.Settings{Servers: []string{"h:11211"}}},
		{"elasticache://cfg.use1.cache.amazonaws.com:11211", gomemcache.Settings{Servers: []string{"cfg.use1.cache.amazonaws.com:11211"}}},
		{"memcache://h", gomemcache.Settings{Servers: []string{"h:11211"}}},
		{"pylibmc://h", gomemcache.Settings{Servers: []string{"h:11211"}}},
		{"MEMCACHED://h", gomemcache.Settings{Servers: []string{"h:11211"}}},
		// socket_timeout and connect_timeout: seconds or a Go duration.
		{"memcached://h?socket_timeout=3", gomemcache.Settings{Servers: []string{"h:11211"}, Timeout: 3 * time.Second}},
		{"memcached://h?socket_timeout=0.5", gomemcache.Settings{Servers: []string{"h:11211"}, Timeout: 500 * time.Millisecond}},
		{"memcached://h?socket_timeout=250ms", gomemcache.Settings{Servers: []string{"h:11211"}, Timeout: 250 * time.Millisecond}},
		{"memcached://h?socket_timeout=1m30s", gomemcache.Settings{Servers: []string{"h:11211"}, Timeout: 90 * time.Second}},
		{"memcached://h?connect_timeout=2", gomemcache.Settings{Servers: []string{"h:11211"}, ConnectTimeout: 2 * time.Second}},
		{"memcached://h?CONNECT_TIMEOUT=1.25", gomemcache.Settings{Servers: []string{"h:11211"}, ConnectTimeout: 1250 * time.Millisecond}},
		{"memcached://h?max_idle_conns=10", gomemcache.Settings{Servers: []string{"h:11211"}, MaxIdleConns: 10}},
		{"memcached://h?socket_timeout=1&connect_timeout=5&max_idle_conns=1", gomemcache.Settings{
			Servers: []string{"h:11211"}, Timeout: time.Second, ConnectTimeout: 5 * time.Second, MaxIdleConns: 1}},
		// timeout is Django's entry TTL: it never becomes the socket timeout.
		{"memcached://h?timeout=30", gomemcache.Settings{Servers: []string{"h:11211"}}},
		{"memcached://h?ttl=none", gomemcache.Settings{Servers: []string{"h:11211"}}},
		// Django cache arguments stay in the config and are no error.
		{"memcached://h?key_prefix=site1&version=2&key_function=a.b&max_entries=5&cull_frequency=2", gomemcache.Settings{
			Servers: []string{"h:11211"}}},
		// Python-client settings with no gomemcache counterpart: ignored.
		{"djangopylibmc://h?binary=1&tcp_nodelay=true", gomemcache.Settings{
			Servers: []string{"h:11211"}, Ignored: []string{"binary", "tcp_nodelay"}}},
		{"pymemcache://h?use_pooling=true&max_pool_size=4&no_delay=true&ignore_exc=true&allow_unicode_keys=true", gomemcache.Settings{
			Servers: []string{"h:11211"}, Ignored: []string{"allow_unicode_keys", "ignore_exc", "max_pool_size", "no_delay", "use_pooling"}}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := gomemcache.ParseSettings(mustParse(t, tt.url))
			if err != nil {
				t.Fatalf("ParseSettings: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseSettings:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseSettingsErrors(t *testing.T) {
	tests := []struct {
		url  string
		kind error
		// wantIn are substrings the message must contain.
		wantIn []string
	}{
		// Bad values of the client options.
		{"memcached://h?socket_timeout=0", gomemcache.ErrInvalidOption, []string{`socket_timeout="0"`}},
		{"memcached://h?socket_timeout=0s", gomemcache.ErrInvalidOption, []string{`socket_timeout="0s"`}},
		{"memcached://h?socket_timeout=-1", gomemcache.ErrInvalidOption, []string{`socket_timeout="-1"`}},
		{"memcached://h?socket_timeout=-1s", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?socket_timeout=abc", gomemcache.ErrInvalidOption, []string{"Go duration"}},
		{"memcached://h?socket_timeout=1e3", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?socket_timeout=.5", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?socket_timeout=5.", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?socket_timeout=1.5.2", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?socket_timeout=inf", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?socket_timeout=NaN", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?socket_timeout=99999999999999999999", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?connect_timeout=soon", gomemcache.ErrInvalidOption, []string{`connect_timeout="soon"`}},
		{"memcached://h?max_idle_conns=0", gomemcache.ErrInvalidOption, []string{`max_idle_conns="0"`, "≥ 1"}},
		{"memcached://h?max_idle_conns=-1", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?max_idle_conns=%2B2", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?max_idle_conns=1.5", gomemcache.ErrInvalidOption, nil},
		{"memcached://h?max_idle_conns=99999999999999999999", gomemcache.ErrInvalidOption, nil},
		// Unknown options: named, sorted, with the way out.
		{"memcached://h?socket_timeot=1", gomemcache.ErrUnknownOption, []string{`unknown option "socket_timeot"`, "AllowUnknownOptions"}},
		{"memcached://h?zeta=1&alpha=2", gomemcache.ErrUnknownOption, []string{`unknown options "alpha", "zeta"`}},
		{"memcached://h?client_class=x", gomemcache.ErrUnknownOption, []string{`"client_class"`}},
		{"memcached://h?ketama=true", gomemcache.ErrUnknownOption, []string{`"ketama"`}},
		// SASL credentials: refused, never silently dropped.
		{"memcached://user:s3cret@h", gomemcache.ErrCredentials, []string{"SASL", "userinfo"}},
		{"memcached://user@h", gomemcache.ErrCredentials, []string{"userinfo"}},
		{"djangopylibmc://h?username=u&password=s3cret", gomemcache.ErrCredentials, []string{`option "password"`, `option "username"`}},
		// Not memcached.
		{"redis://h:6379/0", gomemcache.ErrWrongBackend, []string{"goredis"}},
		{"locmem://", gomemcache.ErrWrongBackend, []string{"package cache"}},
		{"dummy://", gomemcache.ErrWrongBackend, []string{"package cache"}},
		{"file:///var/tmp/cache", clients.ErrNoGoClient, []string{"no Go client"}},
		{"db://cache_table", clients.ErrNoGoClient, []string{"no Go client"}},
		{"uwsgicache://", clients.ErrNoGoClient, []string{"no Go client"}},
		// A TTL memcached cannot hold (its expiration is an int32 Unix time).
		{"memcached://h?timeout=4000000000", gomemcache.ErrTTLRange, []string{"2038", "timeout=none"}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			cfg := mustParse(t, tt.url)
			_, err := gomemcache.ParseSettings(cfg)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("ParseSettings error = %v, want %v", err, tt.kind)
			}
			var e *gomemcache.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not a *gomemcache.Error", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "gomemcache: ") {
				t.Errorf("message %q does not start with the package name", msg)
			}
			if e.URL != cfg.Redacted() {
				t.Errorf("Error.URL = %q, want the redacted URL %q", e.URL, cfg.Redacted())
			}
			if strings.Contains(msg, "s3cret") {
				t.Errorf("message leaks the password: %q", msg)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not contain %q", msg, s)
				}
			}
			// New reports the same error before touching the network.
			if _, err := gomemcache.New(context.Background(), cfg); !errors.Is(err, tt.kind) {
				t.Errorf("New error = %v, want %v", err, tt.kind)
			}
		})
	}
}

func TestAllowUnknownOptions(t *testing.T) {
	cfg := mustParse(t, "memcached://h?zeta=1&binary=1&alpha=2&socket_timeout=2")
	got, err := gomemcache.ParseSettings(cfg, gomemcache.AllowUnknownOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := gomemcache.Settings{Servers: []string{"h:11211"}, Timeout: 2 * time.Second,
		Ignored: []string{"alpha", "binary", "zeta"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Credentials and bad values stay errors.
	for _, u := range []string{"memcached://h?password=x", "memcached://h?socket_timeout=x"} {
		if _, err := gomemcache.ParseSettings(mustParse(t, u), gomemcache.AllowUnknownOptions()); err == nil {
			t.Errorf("%s with AllowUnknownOptions: want an error", u)
		}
	}
}

// Configs built by hand (from a config file, say) rather than by Parse.
func TestParseSettingsStructs(t *testing.T) {
	ok := []struct {
		name string
		cfg  core.Config
		want []string
	}{
		{"backend from scheme", core.Config{Scheme: "pymemcache", Hosts: []string{"h"}}, []string{"h:11211"}},
		{"bare IPv6", core.Config{Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"[2001:db8::1]"}}, []string{"[2001:db8::1]:11211"}},
		{"IPv4", core.Config{Scheme: "memcached", Backend: core.BackendMemcached, Hosts: []string{"10.0.0.7"}}, []string{"10.0.0.7:11211"}},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gomemcache.Servers(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Servers = %q, want %q", got, tt.want)
			}
		})
	}
	// ParseSettings (and New) check a hand-built config with
	// core.Config.Normalize first: what cannot be written as a URL fails
	// there, with core's kind reachable.
	bad := []struct {
		name     string
		cfg      core.Config
		kind     error
		coreKind error
	}{
		{"no servers", core.Config{Scheme: "memcached", Backend: core.BackendMemcached}, gomemcache.ErrInvalidConfig, nil},
		{"hosts and socket", core.Config{Scheme: "memcached", Hosts: []string{"h"}, Socket: "/s.sock"}, gomemcache.ErrInvalidConfig, core.ErrInvalidHost},
		{"unbracketed IPv6", core.Config{Scheme: "memcached", Hosts: []string{"::1"}}, gomemcache.ErrInvalidConfig, nil},
		{"slash in host", core.Config{Scheme: "memcached", Hosts: []string{"a/b:1"}}, gomemcache.ErrInvalidConfig, nil},
		{"empty host", core.Config{Scheme: "memcached", Hosts: []string{":11211"}}, gomemcache.ErrInvalidConfig, nil},
		{"elasticache over a socket", core.Config{Scheme: "elasticache", Socket: "/run/mc.sock"}, gomemcache.ErrInvalidConfig, nil},
		{"relative socket", core.Config{Scheme: "memcached", Socket: "run/mc.sock"}, gomemcache.ErrInvalidConfig, nil},
		{"port out of range", core.Config{Scheme: "memcached", Hosts: []string{"h:99999"}}, gomemcache.ErrInvalidConfig, core.ErrInvalidPort},
		{"unknown scheme", core.Config{Scheme: "mongodb", Hosts: []string{"h"}}, gomemcache.ErrInvalidConfig, core.ErrUnknownScheme},
		{"redis", core.Config{Scheme: "redis", Hosts: []string{"h"}}, gomemcache.ErrWrongBackend, nil},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gomemcache.ParseSettings(tt.cfg)
			if !errors.Is(err, tt.kind) {
				t.Errorf("ParseSettings error = %v, want %v", err, tt.kind)
			}
			if tt.coreKind != nil && !errors.Is(err, tt.coreKind) {
				t.Errorf("ParseSettings error = %v, want it to match core's %v too", err, tt.coreKind)
			}
			if _, err2 := gomemcache.New(context.Background(), tt.cfg); !errors.Is(err2, tt.kind) {
				t.Errorf("New error = %v, want %v", err2, tt.kind)
			}
		})
	}
	// Servers alone does not normalize; it still refuses what it cannot use.
	for _, tt := range []struct {
		cfg  core.Config
		kind error
	}{
		{core.Config{Scheme: "memcached"}, gomemcache.ErrNoServers},
		{core.Config{Scheme: "memcached", Hosts: []string{"h"}, Socket: "/s.sock"}, gomemcache.ErrInvalidServer},
		{core.Config{Scheme: "memcached", Hosts: []string{"::1"}}, gomemcache.ErrInvalidServer},
		{core.Config{Scheme: "memcached", Hosts: []string{":11211"}}, gomemcache.ErrInvalidServer},
	} {
		if _, err := gomemcache.Servers(tt.cfg); !errors.Is(err, tt.kind) || !errors.Is(err, core.ErrInvalidHost) {
			t.Errorf("Servers(%+v) error = %v, want %v (and core.ErrInvalidHost)", tt.cfg, err, tt.kind)
		}
	}
}

func TestIgnoredOptions(t *testing.T) {
	got := gomemcache.IgnoredOptions()
	want := []string{"allow_unicode_keys", "binary", "ignore_exc", "max_pool_size", "no_delay", "tcp_nodelay", "use_pooling"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IgnoredOptions() = %q, want %q", got, want)
	}
	if !sort.StringsAreSorted(got) {
		t.Errorf("IgnoredOptions() is not sorted: %q", got)
	}
	got[0] = "changed"
	if gomemcache.IgnoredOptions()[0] != "allow_unicode_keys" {
		t.Error("IgnoredOptions returns the package's own slice")
	}
}

func TestExpiration(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // Unix 1767225600
	tests := []struct {
		name string
		ttl  core.TTL
		want int32
	}{
		{"never", core.NeverExpire, 0},
		{"unset is Django's 300 s", core.TTL{}, 300},
		{"0 expires at once", core.TTLSeconds(0), -1},
		{"1 s", core.TTLSeconds(1), 1},
		{"300 s", core.TTLSeconds(300), 300},
		{"30 days stays relative", core.TTLSeconds(2592000), 2592000},
		{"30 days + 1 s is absolute", core.TTLSeconds(2592001), 1769817601},
		{"365 days", core.TTLSeconds(31536000), 1798761600},
		{"up to the int32 limit", core.TTLSeconds(380258047), 2147483647},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gomemcache.Expiration(tt.ttl, now)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Expiration = %d, want %d", got, tt.want)
			}
		})
	}
	for _, secs := range []int64{380258048, 1 << 31, core.MaxTTLSeconds} {
		_, err := gomemcache.Expiration(core.TTLSeconds(secs), now)
		if !errors.Is(err, gomemcache.ErrTTLRange) {
			t.Errorf("Expiration(%d s) error = %v, want ErrTTLRange", secs, err)
		}
	}
}

func TestExpirationFromURL(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		url  string
		want int32
	}{
		{"memcached://h", 300},
		{"memcached://h?timeout=60", 60},
		{"memcached://h?ttl=5m", 300},
		{"memcached://h?timeout=0", -1},
		{"memcached://h?timeout=none", 0},
		{"memcached://h?timeout=None", 0},
		{"memcached://h?timeout=2592001", 1769817601},
	}
	for _, tt := range tests {
		got, err := gomemcache.Expiration(mustParse(t, tt.url).TTL, now)
		if err != nil || got != tt.want {
			t.Errorf("%s: Expiration = %d, %v; want %d", tt.url, got, err, tt.want)
		}
	}
}
