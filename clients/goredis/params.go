package goredis

import (
	"crypto/tls"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cacheurl/cacheurl/core"
)

// scope is the set of topologies an option applies to.
type scope uint8

const (
	onStandalone scope = 1 << iota
	onSentinel
	onCluster
	onAll = onStandalone | onSentinel | onCluster
)

func scopeOf(t core.Topology) scope {
	switch t {
	case core.Sentinel:
		return onSentinel
	case core.Cluster:
		return onCluster
	}
	return onStandalone
}

// where says, for an error message, which URLs an option applies to.
func (s scope) where() string {
	switch s {
	case onCluster:
		return "redis+cluster:// and rediss+cluster:// URLs"
	case onSentinel:
		return "redis+sentinel:// and rediss+sentinel:// URLs"
	case onCluster | onSentinel:
		return "cluster and sentinel URLs (redis+cluster://, redis+sentinel://)"
	}
	return "all redis URLs"
}

// settings are the option values, parsed. Zero values mean "not given" and
// leave go-redis's defaults in place, as in redis.ParseURL.
type settings struct {
	Protocol              int
	ClientName            string
	Username, Password    string
	MaxRetries            int
	MinRetryBackoff       time.Duration
	MaxRetryBackoff       time.Duration
	DialTimeout           time.Duration
	DialerRetries         int
	DialerRetryTimeout    time.Duration
	ReadTimeout           time.Duration
	WriteTimeout          time.Duration
	ContextTimeoutEnabled bool
	PoolFIFO              bool
	PoolSize              int
	MaxConcurrentDials    int
	PoolTimeout           time.Duration
	MinIdleConns          int
	MaxIdleConns          int
	MaxActiveConns        int
	ConnMaxIdleTime       time.Duration
	ConnMaxLifetime       time.Duration
	ConnMaxLifetimeJitter time.Duration

	// Cluster.
	MaxRedirects   int
	ReadOnly       bool
	RouteByLatency bool
	RouteRandomly  bool

	// Sentinel.
	ReplicaOnly                        bool
	SentinelUsername, SentinelPassword string

	// TLS (see tls.go).
	SkipVerify *bool  // skip_verify, when given
	CertReqs   string // ssl_cert_reqs as given
	CAFile     string // ssl_ca_certs
	CertFile   string // ssl_certfile
	KeyFile    string // ssl_keyfile
	// tlsConfig is built from the above for a TLS scheme (nil otherwise).
	tlsConfig *tls.Config

	// JitterGiven says conn_max_lifetime_jitter was given (it is then capped
	// at ConnMaxLifetime, as go-redis does).
	JitterGiven bool
}

// param is one query parameter the adapter understands.
type param struct {
	name  string
	scope scope
	// kind is the value type for documentation: "duration", "int", "bool",
	// "string", "path" or a list of words.
	kind string
	// field is the go-redis field it sets.
	field string
	set   func(s *settings, v string) error
	// alias names the parameter this one is a deprecated spelling of.
	alias string
	// tls marks parameters that need a TLS scheme.
	tls bool
}

// maxCount is the largest pool size or count: go-redis keeps pool sizes in
// an int32.
const maxCount = math.MaxInt32

// params are the go-redis connection parameters, with go-redis v9's value
// rules (redis.ParseURL, ParseClusterURL and ParseFailoverURL), and the
// redis-py TLS parameters.
var params = []param{
	{name: "protocol", scope: onAll, kind: "2 or 3", field: "Protocol", set: func(s *settings, v string) error {
		return setProtocol(&s.Protocol, v)
	}},
	{name: "client_name", scope: onAll, kind: "string", field: "ClientName", set: func(s *settings, v string) error {
		return setClientName(&s.ClientName, v)
	}},
	{name: "username", scope: onAll, kind: "string", field: "Username", set: func(s *settings, v string) error {
		s.Username = v
		return nil
	}},
	{name: "password", scope: onAll, kind: "string", field: "Password", set: func(s *settings, v string) error {
		s.Password = v
		return nil
	}},
	{name: "max_retries", scope: onAll, kind: "int", field: "MaxRetries", set: intIn(func(s *settings) *int { return &s.MaxRetries }, -1)},
	{name: "min_retry_backoff", scope: onAll, kind: "duration", field: "MinRetryBackoff", set: duration(func(s *settings) *time.Duration { return &s.MinRetryBackoff })},
	{name: "max_retry_backoff", scope: onAll, kind: "duration", field: "MaxRetryBackoff", set: duration(func(s *settings) *time.Duration { return &s.MaxRetryBackoff })},
	{name: "dial_timeout", scope: onAll, kind: "duration", field: "DialTimeout", set: duration(func(s *settings) *time.Duration { return &s.DialTimeout })},
	{name: "dialer_retries", scope: onAll, kind: "int", field: "DialerRetries", set: intIn(func(s *settings) *int { return &s.DialerRetries }, 0)},
	{name: "dialer_retry_timeout", scope: onAll, kind: "duration", field: "DialerRetryTimeout", set: duration(func(s *settings) *time.Duration { return &s.DialerRetryTimeout })},
	{name: "read_timeout", scope: onAll, kind: "duration", field: "ReadTimeout", set: duration(func(s *settings) *time.Duration { return &s.ReadTimeout })},
	{name: "write_timeout", scope: onAll, kind: "duration", field: "WriteTimeout", set: duration(func(s *settings) *time.Duration { return &s.WriteTimeout })},
	{name: "context_timeout_enabled", scope: onAll, kind: "bool", field: "ContextTimeoutEnabled", set: boolean(func(s *settings) *bool { return &s.ContextTimeoutEnabled })},
	{name: "pool_fifo", scope: onAll, kind: "bool", field: "PoolFIFO", set: boolean(func(s *settings) *bool { return &s.PoolFIFO })},
	{name: "pool_size", scope: onAll, kind: "int", field: "PoolSize", set: intIn(func(s *settings) *int { return &s.PoolSize }, 0)},
	{name: "max_concurrent_dials", scope: onAll, kind: "int", field: "MaxConcurrentDials", set: intIn(func(s *settings) *int { return &s.MaxConcurrentDials }, 0)},
	{name: "pool_timeout", scope: onAll, kind: "duration", field: "PoolTimeout", set: duration(func(s *settings) *time.Duration { return &s.PoolTimeout })},
	{name: "min_idle_conns", scope: onAll, kind: "int", field: "MinIdleConns", set: intIn(func(s *settings) *int { return &s.MinIdleConns }, 0)},
	{name: "max_idle_conns", scope: onAll, kind: "int", field: "MaxIdleConns", set: intIn(func(s *settings) *int { return &s.MaxIdleConns }, 0)},
	{name: "max_active_conns", scope: onAll, kind: "int", field: "MaxActiveConns", set: intIn(func(s *settings) *int { return &s.MaxActiveConns }, 0)},
	{name: "conn_max_idle_time", scope: onAll, kind: "duration", field: "ConnMaxIdleTime", set: duration(func(s *settings) *time.Duration { return &s.ConnMaxIdleTime })},
	{name: "idle_timeout", scope: onAll, kind: "duration", field: "ConnMaxIdleTime", alias: "conn_max_idle_time", set: duration(func(s *settings) *time.Duration { return &s.ConnMaxIdleTime })},
	{name: "conn_max_lifetime", scope: onAll, kind: "duration", field: "ConnMaxLifetime", set: duration(func(s *settings) *time.Duration { return &s.ConnMaxLifetime })},
	{name: "max_conn_age", scope: onAll, kind: "duration", field: "ConnMaxLifetime", alias: "conn_max_lifetime", set: duration(func(s *settings) *time.Duration { return &s.ConnMaxLifetime })},
	{name: "conn_max_lifetime_jitter", scope: onAll, kind: "duration", field: "ConnMaxLifetimeJitter", set: func(s *settings, v string) error {
		s.JitterGiven = true
		return duration(func(s *settings) *time.Duration { return &s.ConnMaxLifetimeJitter })(s, v)
	}},

	{name: "max_redirects", scope: onCluster, kind: "int", field: "MaxRedirects", set: intIn(func(s *settings) *int { return &s.MaxRedirects }, -1)},
	{name: "read_only", scope: onCluster, kind: "bool", field: "ReadOnly", set: boolean(func(s *settings) *bool { return &s.ReadOnly })},
	{name: "route_by_latency", scope: onCluster | onSentinel, kind: "bool", field: "RouteByLatency", set: boolean(func(s *settings) *bool { return &s.RouteByLatency })},
	{name: "route_randomly", scope: onCluster | onSentinel, kind: "bool", field: "RouteRandomly", set: boolean(func(s *settings) *bool { return &s.RouteRandomly })},

	{name: "replica_only", scope: onSentinel, kind: "bool", field: "ReplicaOnly", set: boolean(func(s *settings) *bool { return &s.ReplicaOnly })},
	{name: "sentinel_username", scope: onSentinel, kind: "string", field: "SentinelUsername", set: func(s *settings, v string) error {
		s.SentinelUsername = v
		return nil
	}},
	{name: "sentinel_password", scope: onSentinel, kind: "string", field: "SentinelPassword", set: func(s *settings, v string) error {
		s.SentinelPassword = v
		return nil
	}},

	{name: "skip_verify", scope: onAll, kind: "bool", field: "TLSConfig.InsecureSkipVerify", tls: true, set: func(s *settings, v string) error {
		var b bool
		if err := boolean(func(*settings) *bool { return &b })(s, v); err != nil {
			return err
		}
		if v != "" {
			s.SkipVerify = &b
		}
		return nil
	}},
	{name: "ssl_cert_reqs", scope: onAll, kind: "none, optional or required", field: "TLSConfig.InsecureSkipVerify", tls: true, set: func(s *settings, v string) error {
		switch v {
		case "", "none", "optional", "required":
			s.CertReqs = v
			return nil
		}
		hint := ""
		if l := strings.ToLower(strings.TrimPrefix(strings.ToUpper(v), "CERT_")); l == "none" || l == "optional" || l == "required" {
			hint = fmt.Sprintf(" (write %s: redis-py takes the lower-case names only)", l)
		}
		return fmt.Errorf("want none, optional or required, got %q%s", v, hint)
	}},
	{name: "ssl_ca_certs", scope: onAll, kind: "path", field: "TLSConfig.RootCAs", tls: true, set: func(s *settings, v string) error {
		s.CAFile = v
		return nil
	}},
	{name: "ssl_certfile", scope: onAll, kind: "path", field: "TLSConfig.Certificates", tls: true, set: func(s *settings, v string) error {
		s.CertFile = v
		return nil
	}},
	{name: "ssl_keyfile", scope: onAll, kind: "path", field: "TLSConfig.Certificates", tls: true, set: func(s *settings, v string) error {
		s.KeyFile = v
		return nil
	}},
}

func lookupParam(name string) (*param, bool) {
	for i := range params {
		if params[i].name == name {
			return &params[i], true
		}
	}
	return nil, false
}

// ignored are the options a Go client has no use for: Django, django-redis,
// django-redis-cache and redis-py settings. Sorted.
var ignored = []string{
	"client_class",
	"close_connection",
	"compressor",
	"compressor_class",
	"compressor_class_kwargs",
	"connection_pool_class",
	"connection_pool_class_kwargs",
	"connection_pool_kwargs",
	"health_check_interval",
	"ignore_exceptions",
	"log_ignored_exceptions",
	"master_cache",
	"max_connections",
	"parser_class",
	"pickle_version",
	"pool_class",
	"redis_client_class",
	"redis_client_kwargs",
	"retry_on_timeout",
	"serializer",
	"serializer_class",
	"serializer_class_kwargs",
	"socket_connect_timeout",
	"socket_keepalive",
	"socket_timeout",
	"ssl_check_hostname",
}

// IgnoredOptions returns, sorted, the options the adapter accepts and
// ignores because they configure the Python side only (Django's RedisCache,
// django-redis, django-redis-cache and redis-py): client_class,
// compressor, connection_pool_class, max_connections, parser_class,
// serializer, socket_timeout, ... A URL written for Django therefore works
// unchanged; the go-redis parameters (dial_timeout, pool_size, ...) are the
// way to tune the Go client.
//
// ssl_check_hostname is on the list because Go always checks the host name
// when it verifies the certificate (skip_verify=true or ssl_cert_reqs=none
// turn verification off altogether).
func IgnoredOptions() []string { return slices.Clone(ignored) }

// IsIgnored reports whether option (a lower-case name) is in
// [IgnoredOptions].
func IsIgnored(option string) bool {
	_, ok := slices.BinarySearch(ignored, option)
	return ok
}

// parseOptions applies cfg.Options to s for topology t; tlsOn says whether
// the scheme is a TLS one.
func parseOptions(s *settings, options map[string]string, t core.Topology, tlsOn, allowUnknown bool) error {
	names := make([]string, 0, len(options))
	for name := range options {
		names = append(names, name)
	}
	slices.Sort(names)

	var unknown []string
	for _, name := range names {
		if _, ok := lookupParam(name); !ok && !IsIgnored(name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 && !allowUnknown {
		return &Error{Package: pkg, Kind: ErrUnknownOption, Options: unknown, Msg: fmt.Sprintf(
			"unknown option%s %s: not a go-redis parameter, nor a Django-only one on the ignore list (check the spelling, or use AllowUnknownOptions)",
			plural(len(unknown)), strings.Join(unknown, ", "))}
	}

	for _, name := range names {
		p, ok := lookupParam(name)
		if !ok {
			continue
		}
		if p.scope&scopeOf(t) == 0 {
			return invalid(name, fmt.Sprintf("option %s applies to %s only, not to a %s URL", name, p.scope.where(), t), nil)
		}
		if p.tls && !tlsOn {
			return invalid(name, fmt.Sprintf("option %s needs a TLS scheme (rediss://, valkeys://, rediss+sentinel://, rediss+cluster://)", name), nil)
		}
		if p.alias != "" {
			if _, both := options[p.alias]; both {
				return &Error{Package: pkg, Kind: ErrInvalidOption, Options: []string{p.alias, name}, Msg: fmt.Sprintf(
					"options %s and %s are the same setting (%s is go-redis's old name); give one", p.alias, name, name)}
			}
		}
		if err := p.set(s, options[name]); err != nil {
			if core.IsCredentialOption(name) {
				// Never reached today (credentials take any value), but a
				// credential's value must never reach a message.
				return invalid(name, "invalid value for option "+name, nil)
			}
			return invalid(name, "option "+name+": "+err.Error(), nil)
		}
	}
	if s.JitterGiven {
		// As go-redis: the jitter is capped at the lifetime.
		s.ConnMaxLifetimeJitter = min(s.ConnMaxLifetimeJitter, s.ConnMaxLifetime)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// parseDuration follows go-redis's queryOptions.duration: "" is the default
// (0); a plain integer is seconds; otherwise a Go duration; zero or negative
// disables the setting, stored as -1. Unlike go-redis, a number of seconds
// too large for a time.Duration is an error rather than an overflow.
func parseDuration(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	if i, err := strconv.Atoi(v); err == nil {
		if i <= 0 {
			return -1, nil
		}
		if int64(i) > math.MaxInt64/int64(time.Second) {
			return 0, fmt.Errorf("%s seconds is too long for a duration", v)
		}
		return time.Duration(i) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf(`want a Go duration ("500ms", "3s", "1m") or whole seconds ("3"), got %q`, v)
	}
	if d <= 0 {
		return -1, nil
	}
	return d, nil
}

func duration(field func(*settings) *time.Duration) func(*settings, string) error {
	return func(s *settings, v string) error {
		d, err := parseDuration(v)
		if err != nil {
			return err
		}
		*field(s) = d
		return nil
	}
}

// parseBool follows go-redis's queryOptions.bool: true/1, false/0, and ""
// for the default (false). Case-sensitive, as in go-redis.
func parseBool(v string) (bool, error) {
	switch v {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("want true, false, 1 or 0, got %q", v)
}

func boolean(field func(*settings) *bool) func(*settings, string) error {
	return func(s *settings, v string) error {
		b, err := parseBool(v)
		if err != nil {
			return err
		}
		*field(s) = b
		return nil
	}
}

// intIn parses a decimal integer as strconv.Atoi does (go-redis's rule),
// "" being the default (0), and checks it is from lo to maxCount: counts
// cannot be negative, and -1 means "none" for max_retries and max_redirects.
func intIn(field func(*settings) *int, lo int) func(*settings, string) error {
	return func(s *settings, v string) error {
		if v == "" {
			*field(s) = 0
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > maxCount {
			if err != nil && !isRange(err) {
				return fmt.Errorf("want an integer, got %q", v)
			}
			return fmt.Errorf("want an integer from %d to %d, got %s", lo, maxCount, v)
		}
		*field(s) = n
		return nil
	}
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// setProtocol accepts the RESP versions go-redis speaks. go-redis itself
// takes any integer and sends it in HELLO, so a wrong value would only fail
// on connect; here it fails at once.
func setProtocol(dst *int, v string) error {
	switch v {
	case "":
		*dst = 0
	case "2":
		*dst = 2
	case "3":
		*dst = 3
	default:
		return fmt.Errorf("want 2 (RESP2) or 3 (RESP3), got %q", v)
	}
	return nil
}

// setClientName checks what CLIENT SETNAME accepts (no spaces, newlines or
// other characters outside '!'..'~'), which go-redis sends on every new
// connection: a bad name would fail every connection, so it fails here.
func setClientName(dst *string, v string) error {
	for i := 0; i < len(v); i++ {
		if v[i] < '!' || v[i] > '~' {
			return fmt.Errorf("a client name cannot contain spaces, newlines or non-ASCII characters, got %q", v)
		}
	}
	*dst = v
	return nil
}
