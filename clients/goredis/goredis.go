// Package goredis turns a parsed CACHE_URL ([core.Config]) into a
// github.com/redis/go-redis/v9 client: the options types
// ([Options], [FailoverOptions], [ClusterOptions], [UniversalOptions]) and a
// ready [redis.UniversalClient] ([New], [Open]).
//
// The options are built directly from the config, never through
// redis.ParseURL (which rejects Django's key_prefix and timeout and cannot
// read a multi-host URL). The URL forms:
//
//	redis://[user:password@]host[:port][/db]        standalone (also valkey://, hiredis://, rediscache://)
//	rediss://[user:password@]host[:port][/db]       standalone over TLS (also valkeys://)
//	redis:///path/to/redis.sock[/db][?password=pw]  unix socket
//	redis+sentinel://[user:password@]s1[:26379][,s2...]/master[/db][?sentinel_password=spw]
//	redis+cluster://[user:password@]n1[:6379][,n2...]
//
// and rediss+sentinel://, rediss+cluster:// with TLS. The userinfo holds the
// data nodes' credentials (for Sentinel too); a socket URL, which has no
// userinfo, takes ?username= and ?password= instead.
//
// For example
//
//	rediss://alice:s3cret@cache.internal:6380/2?dial_timeout=3&read_timeout=500ms&pool_size=20&ssl_ca_certs=/etc/ca.pem
//
// gives the same options as
//
//	&redis.Options{
//		Network:     "tcp",
//		Addr:        "cache.internal:6380",
//		Username:    "alice",
//		Password:    "s3cret",
//		DB:          2,
//		DialTimeout: 3 * time.Second, // plain numbers are seconds
//		ReadTimeout: 500 * time.Millisecond,
//		PoolSize:    20,
//		TLSConfig:   &tls.Config{MinVersion: tls.VersionTLS12, ServerName: "cache.internal", RootCAs: systemRootsPlusCAFile},
//	}
//
// # Parameters
//
// The go-redis connection parameters follow go-redis v9's own value rules
// (redis.ParseURL, ParseClusterURL, ParseFailoverURL): durations are Go
// durations ("500ms", "1m") or plain whole seconds ("3"), and zero or a
// negative value disables the timeout or backoff (stored as -1); booleans
// are true/false/1/0; integers are decimal. Two rules are stricter than
// go-redis, so that a bad value fails here rather than on every connection:
// protocol must be 2 or 3, client_name must be a name CLIENT SETNAME
// accepts, and counts cannot be negative (-1 is allowed for max_retries and
// max_redirects, where it means "none"). The cluster parameters
// (max_redirects, read_only) are errors on other URLs, the sentinel ones
// (sentinel_username, sentinel_password, replica_only) on non-sentinel URLs;
// route_by_latency and route_randomly apply to cluster and sentinel URLs,
// where go-redis then uses a failover cluster client. The TLS parameters
// (skip_verify, ssl_cert_reqs, ssl_ca_certs, ssl_certfile, ssl_keyfile) need
// a TLS scheme.
//
// Options that configure only the Python side ([IgnoredOptions]:
// client_class, parser_class, max_connections, serializer, ...) are ignored.
// Any other option is an error that names it, unless [AllowUnknownOptions]
// is given.
//
// The cache arguments of the config (TTL, KeyPrefix, Version, KeyFunction,
// MaxEntries, CullFrequency, Lib) are not connection settings: go-redis has
// no default expiry or key prefix, so they are ignored here and left to the
// caller, who reads them from the config (cfg.TTL.Duration(),
// cfg.KeyPrefix) when storing keys.
//
// Every constructor first checks the config with [core.Config.Normalize],
// so a hand-built config is held to the rules of a parsed one: hosts "",
// "a b:6379" or "h:99999", or a db beyond 2147483647, are [ErrInvalidConfig]
// errors (wrapping core's error, whose kind matches too) rather than a
// client that fails at dial time.
//
// Errors are [*Error] values (the shape every client package shares, see
// package clients) matching [ErrInvalidConfig], [ErrWrongBackend],
// [ErrUnsupported], [ErrInvalidOption] or [ErrUnknownOption]; none contains
// a password.
package goredis

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/clientcfg"
)

// Option changes how a config is turned into go-redis options.
type Option func(*buildOptions)

type buildOptions struct {
	allowUnknown     bool
	contextDeadlines bool
}

// ContextDeadlines turns on go-redis's ContextTimeoutEnabled unless the URL
// sets context_timeout_enabled itself: the read and write deadlines of
// every command then come from its context's deadline when that is sooner
// than read_timeout/write_timeout, so a command returns at its context's
// deadline. (Without it, go-redis bounds reads and writes by read_timeout
// and write_timeout alone, 3 s by default; the pool wait and the dial
// honour the context either way.) Package cache uses it.
func ContextDeadlines() Option { return func(o *buildOptions) { o.contextDeadlines = true } }

// AllowUnknownOptions makes options that are neither go-redis parameters
// nor on the ignore list be ignored instead of an [ErrUnknownOption] error
// (for a URL that also carries settings for another program).
func AllowUnknownOptions() Option { return func(o *buildOptions) { o.allowUnknown = true } }

// plan is a config checked and resolved: what every constructor needs.
type plan struct {
	topology core.Topology
	tls      bool
	addrs    []string // TCP hosts (sentinels for sentinel)
	socket   string
	db       int
	master   string
	s        settings
}

// build checks cfg and parses its options.
func build(cfg core.Config, opts []Option) (*plan, error) {
	var bo buildOptions
	for _, o := range opts {
		if o != nil {
			o(&bo)
		}
	}
	cfg, err := clientcfg.Normalize(pkg, cfg, core.BackendRedis)
	if err != nil {
		return nil, err
	}
	// A normalized config has hosts (localhost when the URL has none) or
	// a socket (standalone only, without TLS), a master for Sentinel, db 0
	// on a cluster.
	sch, _ := core.LookupScheme(cfg.Scheme)
	p := &plan{topology: sch.Topology, tls: sch.TLS, socket: cfg.Socket, db: cfg.DB, master: cfg.Master}
	p.addrs = append([]string(nil), cfg.Hosts...)
	if p.topology == core.Standalone && len(p.addrs) > 1 {
		return nil, unsupported(fmt.Sprintf(
			"%s:// with several hosts (%s) is Django's primary + replicas list, which go-redis has no client for: "+
				"for a Redis Cluster write redis+cluster://%s, for Sentinel redis+sentinel://<sentinel hosts>/<master name>",
			sch.Name, strings.Join(p.addrs, ","), strings.Join(p.addrs, ",")))
	}

	s := &p.s
	if err := parseOptions(s, cfg.Options, p.topology, p.tls, bo.allowUnknown); err != nil {
		return nil, err
	}
	if _, given := cfg.Options["context_timeout_enabled"]; bo.contextDeadlines && !given {
		s.ContextTimeoutEnabled = true
	}
	for _, f := range []struct {
		name, userinfo string
		dst            *string
	}{{"username", cfg.Username, &s.Username}, {"password", cfg.Password, &s.Password}} {
		_, opt := cfg.Options[f.name]
		if opt && f.userinfo != "" {
			return nil, invalid(f.name, fmt.Sprintf("the %s is given both in the URL's userinfo and as the %s option; give one", f.name, f.name), nil)
		}
		if !opt {
			*f.dst = f.userinfo
		}
	}
	if err := p.finishTLS(); err != nil {
		return nil, err
	}
	return p, nil
}

// finishTLS builds the TLS configuration of a TLS scheme.
func (p *plan) finishTLS() error {
	if !p.tls {
		return nil
	}
	name := ""
	if len(p.addrs) > 0 {
		name = serverName(p.addrs[0])
	}
	c, err := tlsConfig(&p.s, name)
	if err != nil {
		return err
	}
	p.s.tlsConfig = c
	return nil
}

// wrongTopology is the error of a constructor that does not fit the URL.
func (p *plan) wrongTopology(fn string) error {
	use := map[core.Topology]string{
		core.Standalone: "Options",
		core.Sentinel:   "FailoverOptions",
		core.Cluster:    "ClusterOptions",
	}[p.topology]
	return unsupported(fmt.Sprintf("%s cannot build a %s config: use %s, UniversalOptions or New", fn, p.topology, use))
}

// Options returns the go-redis options of a standalone config (redis://,
// rediss://, valkey://, valkeys://, hiredis://, rediscache://, and unix
// sockets). Sentinel and cluster configs are an [ErrUnsupported] error: use
// [FailoverOptions], [ClusterOptions], [UniversalOptions] or [New].
func Options(cfg core.Config, opts ...Option) (*redis.Options, error) {
	p, err := build(cfg, opts)
	if err != nil {
		return nil, err
	}
	if p.topology != core.Standalone {
		return nil, p.wrongTopology("Options")
	}
	return p.options(), nil
}

// FailoverOptions returns the go-redis options of a sentinel config
// (redis+sentinel://, rediss+sentinel://): the hosts are the sentinels, the
// master name and db come from the path, the userinfo (or the username and
// password options) authenticates to the data nodes, and the
// sentinel_username and sentinel_password options to the sentinels.
func FailoverOptions(cfg core.Config, opts ...Option) (*redis.FailoverOptions, error) {
	p, err := build(cfg, opts)
	if err != nil {
		return nil, err
	}
	if p.topology != core.Sentinel {
		return nil, p.wrongTopology("FailoverOptions")
	}
	return p.failoverOptions(), nil
}

// ClusterOptions returns the go-redis options of a cluster config
// (redis+cluster://, rediss+cluster://): the hosts are the seed nodes.
func ClusterOptions(cfg core.Config, opts ...Option) (*redis.ClusterOptions, error) {
	p, err := build(cfg, opts)
	if err != nil {
		return nil, err
	}
	if p.topology != core.Cluster {
		return nil, p.wrongTopology("ClusterOptions")
	}
	return p.clusterOptions(), nil
}

// UniversalOptions returns go-redis's universal options for any redis
// config, for redis.NewUniversalClient: a sentinel config sets MasterName, a
// cluster config sets IsClusterMode, and replica_only becomes ReadOnly (which
// UniversalOptions.Failover turns back into ReplicaOnly). A unix socket is
// the single address; its path must be absolute, which is how go-redis
// recognises a socket there.
func UniversalOptions(cfg core.Config, opts ...Option) (*redis.UniversalOptions, error) {
	p, err := build(cfg, opts)
	if err != nil {
		return nil, err
	}
	return p.universalOptions(), nil
}

// New builds the client for cfg: a *redis.Client for a standalone
// config or a sentinel config ([NewFailoverClient], which looks up no name
// that is not one of the URL's hosts), a
// *redis.ClusterClient for a cluster config, or, for a sentinel config with
// route_by_latency or route_randomly, redis.NewFailoverClusterClient (as
// redis.NewUniversalClient does). Like go-redis, it does not connect: the
// first command does (call Ping to check the connection), so ctx is only
// checked: after the config's own errors, New returns ctx's error when it
// is already done.
func New(ctx context.Context, cfg core.Config, opts ...Option) (redis.UniversalClient, error) {
	p, err := build(cfg, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch p.topology {
	case core.Sentinel:
		fo := p.failoverOptions()
		if fo.RouteByLatency || fo.RouteRandomly {
			return redis.NewFailoverClusterClient(fo), nil
		}
		return NewFailoverClient(fo), nil
	case core.Cluster:
		return redis.NewClusterClient(p.clusterOptions()), nil
	}
	return redis.NewClient(p.options()), nil
}

// Open parses rawURL with [core.Parse] and builds its client with [New].
// A parse error is core's [*core.Error] (redacted).
func Open(ctx context.Context, rawURL string, opts ...Option) (redis.UniversalClient, error) {
	cfg, err := core.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	return New(ctx, cfg, opts...)
}

// Describe says, without credentials, where a client built from cfg
// connects: "127.0.0.1:6379 db 0", "unix socket /run/redis.sock db 1",
// "sentinel master mymaster via 10.0.0.1:26379, 10.0.0.2:26379 db 0",
// "cluster seeds 10.0.0.1:6379, 10.0.0.2:6379", each followed by " (TLS)"
// for a TLS scheme. For a config this package cannot build it describes the
// config's hosts as written.
func Describe(cfg core.Config) string {
	topology := cfg.Topology
	tls := cfg.TLS
	if s, ok := core.LookupScheme(cfg.Scheme); ok {
		topology, tls = s.Topology, s.TLS
	}
	hosts := strings.Join(cfg.Hosts, ", ")
	var d string
	switch {
	case cfg.Socket != "":
		d = fmt.Sprintf("unix socket %s db %d", cfg.Socket, cfg.DB)
	case topology == core.Sentinel:
		d = fmt.Sprintf("sentinel master %s via %s db %d", cfg.Master, hosts, cfg.DB)
	case topology == core.Cluster:
		d = "cluster seeds " + hosts
	default:
		if hosts == "" {
			hosts = "localhost:6379"
		}
		d = fmt.Sprintf("%s db %d", hosts, cfg.DB)
	}
	if tls {
		d += " (TLS)"
	}
	return d
}

func (p *plan) options() *redis.Options {
	s := &p.s
	o := &redis.Options{
		Network:               "tcp",
		DB:                    p.db,
		Protocol:              s.Protocol,
		ClientName:            s.ClientName,
		Username:              s.Username,
		Password:              s.Password,
		MaxRetries:            s.MaxRetries,
		MinRetryBackoff:       s.MinRetryBackoff,
		MaxRetryBackoff:       s.MaxRetryBackoff,
		DialTimeout:           s.DialTimeout,
		DialerRetries:         s.DialerRetries,
		DialerRetryTimeout:    s.DialerRetryTimeout,
		ReadTimeout:           s.ReadTimeout,
		WriteTimeout:          s.WriteTimeout,
		ContextTimeoutEnabled: s.ContextTimeoutEnabled,
		PoolFIFO:              s.PoolFIFO,
		PoolSize:              s.PoolSize,
		MaxConcurrentDials:    s.MaxConcurrentDials,
		PoolTimeout:           s.PoolTimeout,
		MinIdleConns:          s.MinIdleConns,
		MaxIdleConns:          s.MaxIdleConns,
		MaxActiveConns:        s.MaxActiveConns,
		ConnMaxIdleTime:       s.ConnMaxIdleTime,
		ConnMaxLifetime:       s.ConnMaxLifetime,
		ConnMaxLifetimeJitter: s.ConnMaxLifetimeJitter,
		TLSConfig:             s.tlsConfig,
	}
	if p.socket != "" {
		o.Network, o.Addr = "unix", p.socket
	} else {
		o.Addr = p.addrs[0]
	}
	return o
}

func (p *plan) failoverOptions() *redis.FailoverOptions {
	s := &p.s
	return &redis.FailoverOptions{
		MasterName:            p.master,
		SentinelAddrs:         append([]string(nil), p.addrs...),
		SentinelUsername:      s.SentinelUsername,
		SentinelPassword:      s.SentinelPassword,
		RouteByLatency:        s.RouteByLatency,
		RouteRandomly:         s.RouteRandomly,
		ReplicaOnly:           s.ReplicaOnly,
		DB:                    p.db,
		Protocol:              s.Protocol,
		ClientName:            s.ClientName,
		Username:              s.Username,
		Password:              s.Password,
		MaxRetries:            s.MaxRetries,
		MinRetryBackoff:       s.MinRetryBackoff,
		MaxRetryBackoff:       s.MaxRetryBackoff,
		DialTimeout:           s.DialTimeout,
		DialerRetries:         s.DialerRetries,
		DialerRetryTimeout:    s.DialerRetryTimeout,
		ReadTimeout:           s.ReadTimeout,
		WriteTimeout:          s.WriteTimeout,
		ContextTimeoutEnabled: s.ContextTimeoutEnabled,
		PoolFIFO:              s.PoolFIFO,
		PoolSize:              s.PoolSize,
		MaxConcurrentDials:    s.MaxConcurrentDials,
		PoolTimeout:           s.PoolTimeout,
		MinIdleConns:          s.MinIdleConns,
		MaxIdleConns:          s.MaxIdleConns,
		MaxActiveConns:        s.MaxActiveConns,
		ConnMaxIdleTime:       s.ConnMaxIdleTime,
		ConnMaxLifetime:       s.ConnMaxLifetime,
		ConnMaxLifetimeJitter: s.ConnMaxLifetimeJitter,
		TLSConfig:             s.tlsConfig,
	}
}

func (p *plan) clusterOptions() *redis.ClusterOptions {
	s := &p.s
	return &redis.ClusterOptions{
		Addrs:                 append([]string(nil), p.addrs...),
		MaxRedirects:          s.MaxRedirects,
		ReadOnly:              s.ReadOnly,
		RouteByLatency:        s.RouteByLatency,
		RouteRandomly:         s.RouteRandomly,
		Protocol:              s.Protocol,
		ClientName:            s.ClientName,
		Username:              s.Username,
		Password:              s.Password,
		MaxRetries:            s.MaxRetries,
		MinRetryBackoff:       s.MinRetryBackoff,
		MaxRetryBackoff:       s.MaxRetryBackoff,
		DialTimeout:           s.DialTimeout,
		DialerRetries:         s.DialerRetries,
		DialerRetryTimeout:    s.DialerRetryTimeout,
		ReadTimeout:           s.ReadTimeout,
		WriteTimeout:          s.WriteTimeout,
		ContextTimeoutEnabled: s.ContextTimeoutEnabled,
		PoolFIFO:              s.PoolFIFO,
		PoolSize:              s.PoolSize,
		MaxConcurrentDials:    s.MaxConcurrentDials,
		PoolTimeout:           s.PoolTimeout,
		MinIdleConns:          s.MinIdleConns,
		MaxIdleConns:          s.MaxIdleConns,
		MaxActiveConns:        s.MaxActiveConns,
		ConnMaxIdleTime:       s.ConnMaxIdleTime,
		ConnMaxLifetime:       s.ConnMaxLifetime,
		ConnMaxLifetimeJitter: s.ConnMaxLifetimeJitter,
		TLSConfig:             s.tlsConfig,
	}
}

// universalOptions are the options of any topology; a socket (absolute,
// as Normalize requires) is the one address.
func (p *plan) universalOptions() *redis.UniversalOptions {
	s := &p.s
	addrs := append([]string(nil), p.addrs...)
	if p.socket != "" {
		addrs = []string{p.socket}
	}
	return &redis.UniversalOptions{
		Addrs:                 addrs,
		MasterName:            p.master,
		IsClusterMode:         p.topology == core.Cluster,
		SentinelUsername:      s.SentinelUsername,
		SentinelPassword:      s.SentinelPassword,
		MaxRedirects:          s.MaxRedirects,
		ReadOnly:              s.ReadOnly || s.ReplicaOnly,
		RouteByLatency:        s.RouteByLatency,
		RouteRandomly:         s.RouteRandomly,
		DB:                    p.db,
		Protocol:              s.Protocol,
		ClientName:            s.ClientName,
		Username:              s.Username,
		Password:              s.Password,
		MaxRetries:            s.MaxRetries,
		MinRetryBackoff:       s.MinRetryBackoff,
		MaxRetryBackoff:       s.MaxRetryBackoff,
		DialTimeout:           s.DialTimeout,
		DialerRetries:         s.DialerRetries,
		DialerRetryTimeout:    s.DialerRetryTimeout,
		ReadTimeout:           s.ReadTimeout,
		WriteTimeout:          s.WriteTimeout,
		ContextTimeoutEnabled: s.ContextTimeoutEnabled,
		PoolFIFO:              s.PoolFIFO,
		PoolSize:              s.PoolSize,
		MaxConcurrentDials:    s.MaxConcurrentDials,
		PoolTimeout:           s.PoolTimeout,
		MinIdleConns:          s.MinIdleConns,
		MaxIdleConns:          s.MaxIdleConns,
		MaxActiveConns:        s.MaxActiveConns,
		ConnMaxIdleTime:       s.ConnMaxIdleTime,
		ConnMaxLifetime:       s.ConnMaxLifetime,
		ConnMaxLifetimeJitter: s.ConnMaxLifetimeJitter,
		TLSConfig:             s.tlsConfig,
	}
}
