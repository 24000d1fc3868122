package cache_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/cache/cachetest"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

// The conformance suite against every driver, with real servers started on
// loopback ports. A missing server binary skips with a message, or fails
// when CACHEURL_REQUIRE_SERVERS=1.

func TestConformanceLocmem(t *testing.T) {
	cachetest.Run(t, cachetest.Target{URL: "locmem://", Family: cachetest.Locmem})
}

func TestConformanceDummy(t *testing.T) {
	cachetest.Run(t, cachetest.Target{URL: "dummy://", Family: cachetest.Dummy})
}

// rawClient is a go-redis client of the test's own, closed when it ends.
func rawClient(t *testing.T, o *redis.Options) cachetest.Server {
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return cachetest.RedisServer(c)
}

func TestConformanceRedis(t *testing.T) {
	s := redisserver.Start(t, redisserver.Config{})
	cachetest.Run(t, cachetest.Target{
		URL:    "redis://" + s.Addr + "/3",
		Family: cachetest.Redis,
		Server: rawClient(t, &redis.Options{Addr: s.Addr, DB: 3}),
	})
}

func TestConformanceRedisSocket(t *testing.T) {
	s := redisserver.Start(t, redisserver.Config{Socket: true})
	cachetest.Run(t, cachetest.Target{
		URL:    "redis://" + s.Socket + "/1",
		Family: cachetest.Redis,
		Server: rawClient(t, &redis.Options{Network: "unix", Addr: s.Socket, DB: 1}),
	})
}

func TestConformanceRedisTLS(t *testing.T) {
	certs := redisserver.NewCerts(t)
	s := redisserver.Start(t, redisserver.Config{TLS: certs})
	cachetest.Run(t, cachetest.Target{
		URL:    "rediss://" + s.Addr + "/0?ssl_ca_certs=" + url.QueryEscape(certs.CAFile),
		Family: cachetest.Redis,
		Server: rawClient(t, &redis.Options{Addr: s.Addr, TLSConfig: certs.ClientTLSConfig(t)}),
	})
}

func TestConformanceRedisSentinel(t *testing.T) {
	master := redisserver.Start(t, redisserver.Config{})
	sen := redisserver.StartSentinel(t, master, redisserver.SentinelConfig{})
	cachetest.Run(t, cachetest.Target{
		URL:    "redis+sentinel://" + sen.Addr + "/" + sen.MasterName + "/2",
		Family: cachetest.Redis,
		Server: rawClient(t, &redis.Options{Addr: master.Addr, DB: 2}),
	})
}

func TestConformanceRedisCluster(t *testing.T) {
	cl := redisserver.StartCluster(t, 3)
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs})
	t.Cleanup(func() { cc.Close() })
	var nodes []cachetest.Server
	for _, a := range cl.Addrs {
		nodes = append(nodes, rawClient(t, &redis.Options{Addr: a}))
	}
	cachetest.Run(t, cachetest.Target{
		URL:    "redis+cluster://" + strings.Join(cl.Addrs, ","),
		Family: cachetest.Redis,
		Server: cachetest.RedisServer(cc),
		Nodes:  nodes,
	})
}

func TestConformanceMemcached(t *testing.T) {
	s := memcachedserver.Start(t)
	cachetest.Run(t, cachetest.Target{
		URL:    s.URL(),
		Family: cachetest.Memcached,
		Server: cachetest.MemcachedServer("tcp", s.Addr),
	})
}

func TestConformanceMemcachedSocket(t *testing.T) {
	s := memcachedserver.StartUnix(t)
	cachetest.Run(t, cachetest.Target{
		URL:    s.URL(),
		Family: cachetest.Memcached,
		Server: cachetest.MemcachedServer("unix", s.Socket),
	})
}

func TestMain(m *testing.M) {
	// go-redis logs every Sentinel lookup; the tests check the results.
	redis.SetLogger(quietLogger{})
	os.Exit(m.Run())
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// The package example's code gives the same output on every server
// backend: only the URL changes.
func TestExampleEverywhere(t *testing.T) {
	r := redisserver.Start(t, redisserver.Config{})
	m := memcachedserver.Start(t)
	var want bytes.Buffer
	ctx := context.Background()
	for i, u := range []string{"locmem://", "redis://" + r.Addr + "/0?key_prefix=ex", "memcached://" + m.Addr + "?timeout=60"} {
		c, err := cache.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := greet(ctx, c, &out); err != nil {
			t.Errorf("%s: %v", u, err)
		}
		_ = c.Close()
		if i == 0 {
			want = out
		} else if out.String() != want.String() {
			t.Errorf("%s:\n%s\nwant (locmem):\n%s", u, out.String(), want.String())
		}
	}
}
