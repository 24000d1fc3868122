package gomemcache_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/core"
)

func ExampleNew() {
	cfg, err := core.Parse("pymemcache://127.0.0.1:11211,127.0.0.1:11212?socket_timeout=250ms&max_idle_conns=8&timeout=60")
	if err != nil {
		panic(err)
	}
	client, err := gomemcache.New(context.Background(), cfg) // resolves the hosts, does not connect
	if err != nil {
		panic(err)
	}
	fmt.Println("socket timeout:", client.Timeout)
	fmt.Println("idle conns per server:", client.MaxIdleConns)
	// timeout=60 is the entries' TTL, used when storing items.
	exp, _ := gomemcache.Expiration(cfg.TTL, time.Now())
	fmt.Println("item expiration:", exp)
	// Then, with a server running:
	//   client.Set(&memcache.Item{Key: "k", Value: []byte("v"), Expiration: exp})

	// Output:
	// socket timeout: 250ms
	// idle conns per server: 8
	// item expiration: 60
}

func ExampleNew_unixSocket() {
	cfg, _ := core.Parse("memcached:///run/memcached/memcached.sock")
	client, err := gomemcache.New(context.Background(), cfg)
	fmt.Println(client != nil, err)
	// Output: true <nil>
}

func ExampleNew_unresolvable() {
	// memcache.New would return a client with no servers at all; New says
	// which name does not resolve.
	cfg, _ := core.Parse("memcached://no-such-host.invalid")
	_, err := gomemcache.New(context.Background(), cfg)
	fmt.Println(errors.Is(err, gomemcache.ErrResolve))
	// Output: true
}

func ExampleNew_credentials() {
	// gomemcache has no SASL: credentials are an error, with the password
	// redacted.
	cfg, _ := core.Parse("djangopylibmc://app:s3cret@cache:11211")
	_, err := gomemcache.New(context.Background(), cfg)
	fmt.Println(errors.Is(err, gomemcache.ErrCredentials))
	fmt.Println(err)
	// Output:
	// true
	// gomemcache: the URL has SASL credentials (userinfo), but github.com/bradfitz/gomemcache has no SASL support; remove them and use an unauthenticated memcached, or a client with SASL (in "djangopylibmc://app:xxxxx@cache:11211")
}

func ExampleParseSettings() {
	cfg, _ := core.Parse("memcached://cache-a,cache-b:11212,[::1]?socket_timeout=0.5&connect_timeout=2&binary=1&timeout=300")
	s, err := gomemcache.ParseSettings(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println("servers:", s.Servers)
	fmt.Println("socket timeout:", s.Timeout)
	fmt.Println("connect timeout:", s.ConnectTimeout)
	fmt.Println("ignored:", s.Ignored)
	// Output:
	// servers: [cache-a:11211 cache-b:11212 [::1]:11211]
	// socket timeout: 500ms
	// connect timeout: 2s
	// ignored: [binary]
}

func ExampleParseSettings_unknownOption() {
	cfg, _ := core.Parse("memcached://cache?socket_timout=1")
	_, err := gomemcache.ParseSettings(cfg)
	fmt.Println(err)
	// Output:
	// gomemcache: unknown option "socket_timout": the memcached client options are connect_timeout, max_idle_conns, socket_timeout (and the Django-only ones in gomemcache.IgnoredOptions); fix the name, or pass gomemcache.AllowUnknownOptions() to ignore it (in "memcached://cache?socket_timout=1")
}

func ExampleAllowUnknownOptions() {
	cfg, _ := core.Parse("memcached://cache?client_class=x&ketama=1")
	s, err := gomemcache.ParseSettings(cfg, gomemcache.AllowUnknownOptions())
	fmt.Println(s.Ignored, err)
	// Output: [client_class ketama] <nil>
}

func ExampleServers() {
	cfg, _ := core.Parse("elasticache://cfg.example.use1.cache.amazonaws.com,10.0.0.7:11300")
	servers, _ := gomemcache.Servers(cfg)
	fmt.Println(servers)
	// Output: [cfg.example.use1.cache.amazonaws.com:11211 10.0.0.7:11300]
}

func ExampleExpiration() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // Unix 1767225600
	for _, query := range []string{
		"",                // no timeout: Django's default, 300 s
		"timeout=60",      // seconds from now
		"timeout=none",    // never expires: 0
		"timeout=0",       // expires at once: -1
		"timeout=3000000", // over 30 days: an absolute Unix time
	} {
		cfg, _ := core.Parse("memcached://h?" + query)
		exp, err := gomemcache.Expiration(cfg.TTL, now)
		fmt.Printf("%q: %d %v\n", query, exp, err)
	}
	// Output:
	// "": 300 <nil>
	// "timeout=60": 60 <nil>
	// "timeout=none": 0 <nil>
	// "timeout=0": -1 <nil>
	// "timeout=3000000": 1770225600 <nil>
}

func ExampleExpirationSeconds() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // Unix 1767225600
	for _, secs := range []int64{-5, 0, 60, 3000000} {
		exp, err := gomemcache.ExpirationSeconds(secs, now)
		fmt.Println(secs, exp, err)
	}
	// Output:
	// -5 -1 <nil>
	// 0 -1 <nil>
	// 60 60 <nil>
	// 3000000 1770225600 <nil>
}

func ExampleOpen() {
	client, err := gomemcache.Open(context.Background(), "pymemcache://127.0.0.1:11211?socket_timeout=0.25")
	if err != nil {
		panic(err)
	}
	fmt.Println(client.Timeout)
	_, err = gomemcache.Open(context.Background(), "rediss://cache/0")
	fmt.Println(err)
	// Output:
	// 250ms
	// gomemcache: rediss:// is a redis cache, not memcached: use clients/goredis, or package cache (in "rediss://cache/0")
}

func ExampleIgnoredOptions() {
	fmt.Println(gomemcache.IgnoredOptions())
	// Output: [allow_unicode_keys binary ignore_exc max_pool_size no_delay tcp_nodelay use_pooling]
}

func ExampleError() {
	cfg, _ := core.Parse("memcached://cache?max_idle_conns=0")
	_, err := gomemcache.New(context.Background(), cfg)
	var e *gomemcache.Error
	if errors.As(err, &e) {
		fmt.Println(e.Kind)
		fmt.Println(e.Msg)
	}
	// Output:
	// invalid option
	// max_idle_conns="0" is not an integer ≥ 1
}

// Selector gives the servers and settings New builds its client on, for
// clients of one's own on the same servers.
func ExampleSelector() {
	cfg, _ := core.Parse("memcached://127.0.0.1:11211,127.0.0.1:11212?socket_timeout=250ms")
	ss, s, err := gomemcache.Selector(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := memcache.NewFromSelector(ss)
	c.Timeout = s.Timeout
	fmt.Println(s.Servers, c.Timeout)
	// Output:
	// [127.0.0.1:11211 127.0.0.1:11212] 250ms
}
