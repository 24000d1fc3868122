package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/classify"
)

func checkRedis(ctx context.Context, cfg core.Config, o options, res *Result) error {
	res.Target = goredis.Describe(cfg)
	var gopts []goredis.Option
	if o.allowUnknown {
		gopts = append(gopts, goredis.AllowUnknownOptions())
	}
	uo, err := goredis.UniversalOptions(cfg, gopts...)
	if err != nil {
		return configError(err)
	}
	boundRedis(ctx, uo, cfg.Options)
	// Every connection the client opens, to the servers or the sentinels,
	// is closed when the check ends: go-redis's dial goroutines, which it
	// does not stop on Close, then end at once too.
	done, cancel := context.WithCancel(ctx)
	defer cancel()
	uo.Dialer = boundedDialer(done, uo.DialTimeout, uo.TLSConfig)
	client := redis.NewUniversalClient(uo)
	c, err := openCache(ctx, cfg, client)
	if err != nil {
		client.Close()
		return configError(err)
	}
	defer c.Close() // closes client
	start := time.Now()
	if err := client.Ping(ctx).Err(); err != nil {
		return classifyRedis(ctx, err, res.Target, cfg)
	}
	res.Connect = time.Since(start)
	res.Server = "redis"
	if info, err := client.Info(ctx, "server").Result(); err == nil {
		res.Server = redisVersion(info)
	}
	return roundTrip(ctx, c, res, func(err error) error { return classifyRedis(ctx, err, res.Target, cfg) })
}

// boundRedis makes the check's deadline bound every step of the client: the
// dial, read, write and pool timeouts are capped at the time left (go-redis
// dials, Sentinel queries included, under a context of its own bounded by
// DialTimeout, not by the caller's), commands honour the context, and a
// failure is reported as it is rather than retried until the deadline hides
// it. Retry settings the URL gives itself are kept.
func boundRedis(ctx context.Context, uo *redis.UniversalOptions, urlOptions map[string]string) {
	left := time.Until(deadline(ctx))
	if left <= 0 {
		left = time.Millisecond
	}
	for _, d := range []*time.Duration{&uo.DialTimeout, &uo.ReadTimeout, &uo.WriteTimeout, &uo.PoolTimeout} {
		if *d <= 0 || *d > left {
			*d = left
		}
	}
	uo.ContextTimeoutEnabled = true
	if _, ok := urlOptions["max_retries"]; !ok {
		uo.MaxRetries = -1
	}
	if _, ok := urlOptions["dialer_retries"]; !ok {
		uo.DialerRetries = 1
	}
}

// redisVersion picks the server name and version out of INFO server.
func redisVersion(info string) string {
	name, version := "redis", ""
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		switch k {
		case "redis_version":
			if version == "" {
				version = v
			}
		case "valkey_version":
			name, version = "valkey", v
		case "server_name":
			if v != "" {
				name = v
			}
		}
	}
	if version == "" {
		return name
	}
	return name + " " + version
}

// classifyRedis turns a go-redis error into an actionable *Error: the
// classification package cache uses, and what only a check knows: a
// failure at an address the URL does not name is at the master a Sentinel
// reported or at a cluster node; a timeout of a Sentinel URL before any
// master is the Sentinels'; a closed connection or a reply in another
// protocol is probed (is it redis in protected mode, memcached, a TLS
// port?).
func classifyRedis(ctx context.Context, err error, target string, cfg core.Config) error {
	e := &Error{Kind: clients.ErrFailed, Target: target, Err: err}
	if addr := failedAddr(err); addr != "" && !slices.Contains(cfg.Hosts, addr) {
		switch cfg.Topology {
		case core.Sentinel:
			e.Target = fmt.Sprintf("master %s at %s (the address the sentinels report)", cfg.Master, addr)
		case core.Cluster:
			e.Target = fmt.Sprintf("cluster node %s (from the cluster's slot map)", addr)
		}
	}
	if kind, msg, detail, ok := tlsProbe(err); ok {
		e.Kind, e.Msg, e.Detail = kind, msg, detail
		return e
	}
	r := classify.Redis(ctx, err, classify.For(cfg))
	e.Kind, e.Msg, e.Detail = r.Kind, r.Msg, r.Detail
	switch {
	case r.Kind == clients.ErrTimeout && cfg.Topology == core.Sentinel && !strings.HasPrefix(e.Target, "master "):
		e.Msg = classify.SentinelTimeout
	case r.Kind == clients.ErrClosed:
		// The server hung up: ask it what it says to a new connection.
		e.Kind, e.Msg, e.Detail = diagnoseClosed(ctx, cfg, err, r.Msg)
	case r.Kind == clients.ErrMismatch && strings.HasPrefix(r.Msg, classify.NotRedis):
		if v := memcachedAt(ctx, redisAddr(cfg, err)); v != "" {
			e.Msg = fmt.Sprintf("%s: it is memcached %s; use memcached://", classify.NotRedis, v)
		}
	}
	return e
}

// failedAddr is the remote address of a failed dial or connection, or "".
func failedAddr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return op.Addr.String()
	}
	return ""
}

// redisAddr is the address to probe after a failure: the failed one, or the
// URL's first host or socket.
func redisAddr(cfg core.Config, err error) [2]string {
	if a := failedAddr(err); a != "" {
		return [2]string{"tcp", a}
	}
	if cfg.Socket != "" {
		return [2]string{"unix", cfg.Socket}
	}
	if len(cfg.Hosts) > 0 {
		return [2]string{"tcp", cfg.Hosts[0]}
	}
	return [2]string{"tcp", "localhost:6379"}
}

// diagnoseClosed is called when a redis server closed the connection: it
// connects once more, sends PING and reads the first line, to tell a redis
// in protected mode (-DENIED, sent on accept), a memcached (ERROR) and a
// TLS-only port apart.
func diagnoseClosed(ctx context.Context, cfg core.Config, err error, closedMsg string) (*core.Kind, string, string) {
	closed := "the server closed the connection"
	if cfg.TLS {
		return clients.ErrClosed, closed + "; is this a TLS port? (a plain port closes a TLS handshake like this)", ""
	}
	addr := redisAddr(cfg, err)
	line, perr := probe(ctx, addr[0], addr[1], "PING\r\n", time.Second)
	switch {
	case perr == nil && strings.HasPrefix(line, "-DENIED"):
		return clients.ErrDenied, classify.DeniedMsg, strings.TrimPrefix(firstSentence(line), "-")
	case perr == nil && line == "ERROR":
		v := memcachedAt(ctx, addr)
		if v == "" {
			return clients.ErrMismatch, classify.NotRedis + " (it answers PING with ERROR, as memcached does); check the port", ""
		}
		return clients.ErrMismatch, fmt.Sprintf("%s: it is memcached %s; use memcached://", classify.NotRedis, v), ""
	case perr == nil && strings.HasPrefix(line, "-"):
		return clients.ErrFailed, closed, strings.TrimPrefix(firstSentence(line), "-")
	}
	return clients.ErrClosed, closedMsg, ""
}

// memcachedAt asks addr for its memcached version; "" when it is not
// memcached (or does not answer).
func memcachedAt(ctx context.Context, addr [2]string) string {
	line, err := probe(ctx, addr[0], addr[1], "version\r\n", time.Second)
	if v, ok := strings.CutPrefix(line, "VERSION "); err == nil && ok {
		return v
	}
	return ""
}
