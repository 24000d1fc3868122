package goredis_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

func TestOptionsStandalone(t *testing.T) {
	for _, c := range []struct {
		url              string
		network, addr    string
		db               int
		username, passwd string
		tls              bool
		serverName       string
	}{
		{"redis://cache:6380/2", "tcp", "cache:6380", 2, "", "", false, ""},
		{"redis://", "tcp", "localhost:6379", 0, "", "", false, ""},
		{"redis://:p%40ss@cache?db=5", "tcp", "cache:6379", 5, "", "p@ss", false, ""},
		{"redis://alice:secret@cache/1", "tcp", "cache:6379", 1, "alice", "secret", false, ""},
		{"valkey://cache/1", "tcp", "cache:6379", 1, "", "", false, ""},
		{"hiredis://cache", "tcp", "cache:6379", 0, "", "", false, ""},
		{"rediscache://cache:1234/3", "tcp", "cache:1234", 3, "", "", false, ""},
		{"redis://[::1]:7000/0", "tcp", "[::1]:7000", 0, "", "", false, ""},
		{"redis:///run/redis.sock", "unix", "/run/redis.sock", 0, "", "", false, ""},
		{"redis:///run/redis.sock/3?password=pw&username=alice", "unix", "/run/redis.sock", 3, "alice", "pw", false, ""},
		{"rediss://cache.example:6380/0", "tcp", "cache.example:6380", 0, "", "", true, "cache.example"},
		{"valkeys://u:p@cache.example/4", "tcp", "cache.example:6379", 4, "u", "p", true, "cache.example"},
		{"rediss://[::1]:6380", "tcp", "[::1]:6380", 0, "", "", true, "::1"},
		{"rediss://127.0.0.1", "tcp", "127.0.0.1:6379", 0, "", "", true, "127.0.0.1"},
		{"rediss://[fe80::1%25eth0]:6380", "tcp", "[fe80::1%eth0]:6380", 0, "", "", true, "fe80::1"},
	} {
		t.Run(c.url, func(t *testing.T) {
			o, err := goredis.Options(parse(t, c.url))
			if err != nil {
				t.Fatal(err)
			}
			if o.Network != c.network || o.Addr != c.addr || o.DB != c.db || o.Username != c.username || o.Password != c.passwd {
				t.Errorf("got %s %s db %d user %q password %q; want %s %s db %d user %q password %q",
					o.Network, o.Addr, o.DB, o.Username, o.Password, c.network, c.addr, c.db, c.username, c.passwd)
			}
			if (o.TLSConfig != nil) != c.tls {
				t.Fatalf("TLSConfig = %v, want TLS %v", o.TLSConfig, c.tls)
			}
			if c.tls {
				if o.TLSConfig.ServerName != c.serverName || o.TLSConfig.MinVersion != tls.VersionTLS12 || o.TLSConfig.InsecureSkipVerify {
					t.Errorf("TLSConfig: ServerName %q MinVersion %x skip %v; want %q, TLS 1.2, verify",
						o.TLSConfig.ServerName, o.TLSConfig.MinVersion, o.TLSConfig.InsecureSkipVerify, c.serverName)
				}
			}
		})
	}
}

func TestFailoverOptions(t *testing.T) {
	o, err := goredis.FailoverOptions(parse(t,
		"redis+sentinel://alice:apw@s1,s2:26380/mymaster/2?sentinel_username=sent&sentinel_password=spw&replica_only=true&pool_size=4"))
	if err != nil {
		t.Fatal(err)
	}
	want := &redis.FailoverOptions{
		MasterName: "mymaster", SentinelAddrs: []string{"s1:26379", "s2:26380"}, DB: 2,
		Username: "alice", Password: "apw", SentinelUsername: "sent", SentinelPassword: "spw",
		ReplicaOnly: true, PoolSize: 4,
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got  %+v\nwant %+v", o, want)
	}

	o, err = goredis.FailoverOptions(parse(t, "rediss+sentinel://sentinel.example/m?ssl_cert_reqs=none"))
	if err != nil {
		t.Fatal(err)
	}
	if o.TLSConfig == nil || !o.TLSConfig.InsecureSkipVerify || o.TLSConfig.ServerName != "sentinel.example" || o.SentinelAddrs[0] != "sentinel.example:26379" {
		t.Errorf("TLS sentinel: %+v %+v", o, o.TLSConfig)
	}
}

func TestClusterOptions(t *testing.T) {
	o, err := goredis.ClusterOptions(parse(t, "redis+cluster://u:p@n1,n2:7001,[::1]:7002?max_redirects=5&read_only=true&route_randomly=1"))
	if err != nil {
		t.Fatal(err)
	}
	want := &redis.ClusterOptions{
		Addrs: []string{"n1:6379", "n2:7001", "[::1]:7002"}, Username: "u", Password: "p",
		MaxRedirects: 5, ReadOnly: true, RouteRandomly: true,
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got  %+v\nwant %+v", o, want)
	}
}

func TestUniversalOptions(t *testing.T) {
	for _, c := range []struct {
		url  string
		want redis.UniversalOptions
	}{
		{"redis://:pw@cache:6380/3?client_name=web", redis.UniversalOptions{Addrs: []string{"cache:6380"}, Password: "pw", DB: 3, ClientName: "web"}},
		{"redis:///run/r.sock/1?password=pw", redis.UniversalOptions{Addrs: []string{"/run/r.sock"}, Password: "pw", DB: 1}},
		{"redis+sentinel://:pw@s1,s2/mymaster/1?sentinel_password=spw&replica_only=1", redis.UniversalOptions{
			Addrs: []string{"s1:26379", "s2:26379"}, MasterName: "mymaster", Password: "pw", SentinelPassword: "spw", DB: 1, ReadOnly: true}},
		{"redis+cluster://n1?read_only=true&max_redirects=-1", redis.UniversalOptions{
			Addrs: []string{"n1:6379"}, IsClusterMode: true, ReadOnly: true, MaxRedirects: -1}},
	} {
		t.Run(c.url, func(t *testing.T) {
			o, err := goredis.UniversalOptions(parse(t, c.url))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*o, c.want) {
				t.Errorf("got  %+v\nwant %+v", *o, c.want)
			}
		})
	}
}

func TestNewClientTypes(t *testing.T) {
	for _, c := range []struct {
		url  string
		want string
	}{
		{"redis://127.0.0.1:1/0", "*redis.Client"},
		{"redis:///run/r.sock", "*redis.Client"},
		{"redis+sentinel://127.0.0.1:1/m", "*redis.Client"},
		{"redis+sentinel://127.0.0.1:1/m?route_by_latency=true", "*redis.ClusterClient"},
		{"redis+sentinel://127.0.0.1:1/m?route_randomly=true", "*redis.ClusterClient"},
		{"redis+cluster://127.0.0.1:1", "*redis.ClusterClient"},
	} {
		c1, err := goredis.New(context.Background(), parse(t, c.url))
		if err != nil {
			t.Fatalf("%s: %v", c.url, err)
		}
		if got := reflect.TypeOf(c1).String(); got != c.want {
			t.Errorf("%s: NewClient gives %s, want %s", c.url, got, c.want)
		}
		c1.Close()
	}
}

// secret is in every URL of the error table: no message may contain it.
const secret = "s3cr3t-pw"

func TestErrors(t *testing.T) {
	type build func(core.Config, ...goredis.Option) (any, error)
	opts := func(c core.Config, o ...goredis.Option) (any, error) { return goredis.Options(c, o...) }
	failover := func(c core.Config, o ...goredis.Option) (any, error) { return goredis.FailoverOptions(c, o...) }
	cluster := func(c core.Config, o ...goredis.Option) (any, error) { return goredis.ClusterOptions(c, o...) }
	universal := func(c core.Config, o ...goredis.Option) (any, error) { return goredis.UniversalOptions(c, o...) }
	newClient := func(c core.Config, o ...goredis.Option) (any, error) {
		return goredis.New(context.Background(), c, o...)
	}

	for _, c := range []struct {
		url      string
		fn       build
		kind     error
		options  []string
		contains []string
	}{
		{"redis://:" + secret + "@a,b:6380/0", opts, goredis.ErrUnsupported, nil, []string{"several hosts", "a:6379,b:6380", "redis+cluster://", "redis+sentinel://"}},
		{"redis://:" + secret + "@a,b/0", newClient, goredis.ErrUnsupported, nil, []string{"redis+cluster://a:6379,b:6379"}},
		{"valkey://a,b/0", universal, goredis.ErrUnsupported, nil, []string{"valkey://", "several hosts"}},
		{"memcached://u:" + secret + "@a:11211", opts, goredis.ErrWrongBackend, nil, []string{"memcached:// is a memcached cache", "gomemcache"}},
		{"locmem://", newClient, goredis.ErrWrongBackend, nil, []string{"locmem"}},
		{"file:///tmp/x", newClient, clients.ErrNoGoClient, nil, []string{"file:// is Django's FileBasedCache, which no Go client serves"}},
		{"redis+cluster://:" + secret + "@a", opts, goredis.ErrUnsupported, nil, []string{"Options cannot build a cluster config", "ClusterOptions"}},
		{"redis+sentinel://:" + secret + "@a/m", opts, goredis.ErrUnsupported, nil, []string{"FailoverOptions"}},
		{"redis://:" + secret + "@a", failover, goredis.ErrUnsupported, nil, []string{"FailoverOptions cannot build a standalone config", "use Options"}},
		{"redis+sentinel://a/m", cluster, goredis.ErrUnsupported, nil, []string{"use FailoverOptions"}},

		{"redis://:" + secret + "@a?pool_szie=1&zeta=1&alpha=2&client_class=x", opts, goredis.ErrUnknownOption, []string{"alpha", "pool_szie", "zeta"}, []string{"unknown options alpha, pool_szie, zeta", "AllowUnknown"}},
		{"redis://:" + secret + "@a?dial_timout=1", newClient, goredis.ErrUnknownOption, []string{"dial_timout"}, []string{"unknown option dial_timout:"}},
		{"redis+sentinel://a/m?sentinel_pasword=" + secret, failover, goredis.ErrUnknownOption, []string{"sentinel_pasword"}, []string{"sentinel_pasword"}},
		{"redis+cluster://a?master_name=m", cluster, goredis.ErrUnknownOption, []string{"master_name"}, nil},

		{"redis://:" + secret + "@a?max_redirects=3", opts, goredis.ErrInvalidOption, []string{"max_redirects"}, []string{"max_redirects applies to redis+cluster://", "not to a standalone URL"}},
		{"redis://a?read_only=true", opts, goredis.ErrInvalidOption, []string{"read_only"}, []string{"cluster"}},
		{"redis+sentinel://a/m?read_only=true", failover, goredis.ErrInvalidOption, []string{"read_only"}, []string{"not to a sentinel URL"}},
		{"redis://a?route_by_latency=true", opts, goredis.ErrInvalidOption, []string{"route_by_latency"}, []string{"cluster and sentinel URLs"}},
		{"redis://a?route_randomly=1", universal, goredis.ErrInvalidOption, []string{"route_randomly"}, nil},
		{"redis://a?replica_only=1", opts, goredis.ErrInvalidOption, []string{"replica_only"}, []string{"redis+sentinel://"}},
		{"redis+cluster://a?replica_only=1", cluster, goredis.ErrInvalidOption, []string{"replica_only"}, nil},
		{"redis://a?sentinel_password=" + secret, opts, goredis.ErrInvalidOption, []string{"sentinel_password"}, []string{"redis+sentinel://"}},
		{"redis+cluster://a?sentinel_username=x", cluster, goredis.ErrInvalidOption, []string{"sentinel_username"}, nil},

		{"redis://:" + secret + "@a?skip_verify=true", opts, goredis.ErrInvalidOption, []string{"skip_verify"}, []string{"needs a TLS scheme", "rediss://"}},
		{"redis://a?ssl_cert_reqs=none", opts, goredis.ErrInvalidOption, []string{"ssl_cert_reqs"}, []string{"TLS scheme"}},
		{"redis+cluster://a?ssl_ca_certs=/ca.pem", cluster, goredis.ErrInvalidOption, []string{"ssl_ca_certs"}, []string{"rediss+cluster://"}},
		{"redis://a?ssl_certfile=/c.pem", opts, goredis.ErrInvalidOption, []string{"ssl_certfile"}, nil},
		{"rediss://:" + secret + "@a?ssl_cert_reqs=CERT_REQUIRED", opts, goredis.ErrInvalidOption, []string{"ssl_cert_reqs"}, []string{`"CERT_REQUIRED"`, "write required"}},
		{"rediss://a?ssl_cert_reqs=None", opts, goredis.ErrInvalidOption, []string{"ssl_cert_reqs"}, []string{"write none"}},
		{"rediss://a?ssl_cert_reqs=maybe", opts, goredis.ErrInvalidOption, []string{"ssl_cert_reqs"}, []string{"want none, optional or required"}},
		{"rediss://a?skip_verify=true&ssl_cert_reqs=required", opts, goredis.ErrInvalidOption, []string{"skip_verify", "ssl_cert_reqs"}, []string{"contradicts"}},
		{"rediss://a?skip_verify=false&ssl_cert_reqs=none", opts, goredis.ErrInvalidOption, []string{"skip_verify", "ssl_cert_reqs"}, nil},
		{"rediss://a?skip_verify=yes", opts, goredis.ErrInvalidOption, []string{"skip_verify"}, []string{`"yes"`}},
		{"rediss://a?ssl_keyfile=/k.pem", opts, goredis.ErrInvalidOption, []string{"ssl_keyfile"}, []string{"needs ssl_certfile"}},

		{"redis://:" + secret + "@a?password=other-" + secret, opts, goredis.ErrInvalidOption, []string{"password"}, []string{"both in the URL's userinfo and as the password option"}},
		{"redis://alice:" + secret + "@a?username=bob", opts, goredis.ErrInvalidOption, []string{"username"}, []string{"username is given both"}},
		{"redis+sentinel://:" + secret + "@a/m?password=" + secret, failover, goredis.ErrInvalidOption, []string{"password"}, nil},
		{"redis://:" + secret + "@a?pool_size=-1", opts, goredis.ErrInvalidOption, []string{"pool_size"}, []string{"option pool_size", "from 0 to 2147483647", "-1"}},
		{"redis://:" + secret + "@a?read_timeout=soon", newClient, goredis.ErrInvalidOption, []string{"read_timeout"}, []string{`"soon"`, "Go duration"}},
	} {
		t.Run(c.url, func(t *testing.T) {
			v, err := c.fn(parse(t, c.url))
			if err == nil {
				t.Fatalf("no error; got %+v", v)
			}
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want %v", err, c.kind)
			}
			var e *goredis.Error
			if !errors.As(err, &e) {
				t.Fatalf("err is %T, want *goredis.Error", err)
			}
			if c.options != nil && !slices.Equal(e.Options, c.options) {
				t.Errorf("Options = %q, want %q", e.Options, c.options)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "goredis: ") {
				t.Errorf("message %q does not start with goredis:", msg)
			}
			for _, s := range c.contains {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not contain %q", msg, s)
				}
			}
			if strings.Contains(msg, secret) {
				t.Errorf("message %q contains the password", msg)
			}
		})
	}
}

// Structured configs (decoded from a file, say) that Parse would never
// produce are checked with core.Config.Normalize before anything is built:
// they fail here, not at dial time, with core's kind reachable too.
func TestStructuredConfigErrors(t *testing.T) {
	base := func(scheme string, topo core.Topology) core.Config {
		return core.Config{Scheme: scheme, Backend: core.BackendRedis, Topology: topo, Hosts: []string{"h:6379"}, Password: secret}
	}
	hosts := func(h ...string) core.Config { return core.Config{Scheme: "redis", Hosts: h, Password: secret} }
	for name, c := range map[string]struct {
		cfg      core.Config
		kind     error // goredis's kind
		coreKind error // core's kind, or nil
		contains string
	}{
		"unknown scheme":    {core.Config{Scheme: "redsi", Hosts: []string{"h:1"}}, goredis.ErrInvalidConfig, core.ErrUnknownScheme, `unknown scheme "redsi"`},
		"empty scheme":      {core.Config{}, goredis.ErrInvalidConfig, core.ErrUnknownScheme, "unknown scheme"},
		"topology mismatch": {base("redis", core.Cluster), goredis.ErrInvalidConfig, core.ErrInvalidParameter, "does not match"},
		"backend mismatch":  {core.Config{Scheme: "redis", Backend: core.BackendMemcached}, goredis.ErrInvalidConfig, core.ErrInvalidParameter, "does not match"},
		"tls mismatch":      {func() core.Config { c := base("redis", ""); c.TLS = true; return c }(), goredis.ErrInvalidConfig, core.ErrInvalidParameter, "tls"},
		"hosts and socket":  {func() core.Config { c := base("redis", ""); c.Socket = "/s"; return c }(), goredis.ErrInvalidConfig, core.ErrInvalidHost, "hosts and socket"},
		"negative db":       {func() core.Config { c := base("redis", ""); c.DB = -1; return c }(), goredis.ErrInvalidConfig, nil, "db"},
		"db beyond int32":   {func() core.Config { c := base("redis", ""); c.DB = math.MaxInt; return c }(), goredis.ErrInvalidConfig, core.ErrInvalidPath, "2147483647"},
		"empty host":        {hosts(""), goredis.ErrInvalidConfig, core.ErrInvalidHost, "empty host"},
		"host with a space": {hosts("a b:6379"), goredis.ErrInvalidConfig, core.ErrInvalidHost, "invalid character ' '"},
		"port out of range": {hosts("h:99999"), goredis.ErrInvalidConfig, core.ErrInvalidPort, "99999"},
		"cluster db":        {func() core.Config { c := base("redis+cluster", ""); c.DB = 2; return c }(), goredis.ErrInvalidConfig, nil, "db 0"},
		"sentinel master":   {base("redis+sentinel", ""), goredis.ErrInvalidConfig, nil, "master name"},
		"sentinel socket":   {core.Config{Scheme: "redis+sentinel", Socket: "/s", Master: "m"}, goredis.ErrInvalidConfig, nil, ""},
		"relative socket":   {core.Config{Scheme: "redis", Socket: "run/relative.sock"}, goredis.ErrInvalidConfig, nil, ""},
		"tls socket":        {core.Config{Scheme: "rediss", Socket: "/s"}, goredis.ErrInvalidConfig, nil, "no TLS over sockets"},
		"memcached":         {core.Config{Scheme: "memcached", Hosts: []string{"h:11211"}}, goredis.ErrWrongBackend, nil, "use clients/gomemcache"},
		"file":              {core.Config{Scheme: "file", Path: "/tmp/c"}, clients.ErrNoGoClient, nil, "no Go client"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := goredis.New(context.Background(), c.cfg)
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want %v", err, c.kind)
			}
			if c.coreKind != nil && !errors.Is(err, c.coreKind) {
				t.Errorf("err = %v, want it to match core's %v too", err, c.coreKind)
			}
			var e *goredis.Error
			if !errors.As(err, &e) || e.Package != "goredis" {
				t.Errorf("err is %T %+v, want a *goredis.Error of package goredis", err, e)
			}
			if !strings.Contains(err.Error(), c.contains) || strings.Contains(err.Error(), secret) {
				t.Errorf("message %q: want it to contain %q and not the password", err, c.contains)
			}
		})
	}
	// Defaults for an empty host list, as for redis://: localhost with the
	// scheme's default port.
	o, err := goredis.FailoverOptions(core.Config{Scheme: "redis+sentinel", Master: "m"})
	if err != nil || !slices.Equal(o.SentinelAddrs, []string{"localhost:26379"}) {
		t.Errorf("sentinel without hosts: %v, %v", o, err)
	}
	// A config with no Backend is routed by its scheme.
	so, err := goredis.Options(core.Config{Scheme: "redis", Hosts: []string{"h"}})
	if err != nil || so.Addr != "h:6379" {
		t.Errorf("scheme-only config: %v, %v", so, err)
	}
}

func TestUnknownAllowedAndIgnored(t *testing.T) {
	url := "redis://a/0?client_class=django_redis.client.DefaultClient&parser_class=redis.connection.HiredisParser" +
		"&connection_pool_class=x&connection_pool_class_kwargs=y&max_connections=50&serializer=s&compressor=c" +
		"&socket_timeout=5&socket_connect_timeout=2&retry_on_timeout=true&health_check_interval=30" +
		"&timeout=300&key_prefix=app&version=2&key_function=m.f&max_entries=10&cull_frequency=3&lib=redis-cache"
	o, err := goredis.Options(parse(t, url))
	if err != nil {
		t.Fatal(err)
	}
	// None of them is a go-redis setting: the options are go-redis's defaults.
	if want := (&redis.Options{Network: "tcp", Addr: "a:6379"}); !reflect.DeepEqual(o, want) {
		t.Errorf("got %+v, want %+v", o, want)
	}

	_, err = goredis.Options(parse(t, "redis://a/0?app_setting=1&pool_size=3"))
	if !errors.Is(err, goredis.ErrUnknownOption) {
		t.Fatalf("without AllowUnknown: %v", err)
	}
	o, err = goredis.Options(parse(t, "redis://a/0?app_setting=1&pool_size=3"), goredis.AllowUnknownOptions())
	if err != nil || o.PoolSize != 3 {
		t.Errorf("AllowUnknown: %v, %v", o, err)
	}
	// AllowUnknown does not excuse a bad value or a misplaced option.
	if _, err := goredis.Options(parse(t, "redis://a/0?app=1&pool_size=x"), goredis.AllowUnknownOptions()); !errors.Is(err, goredis.ErrInvalidOption) {
		t.Errorf("AllowUnknown with a bad value: %v", err)
	}
	if _, err := goredis.Options(parse(t, "redis://a/0?app=1"), nil); !errors.Is(err, goredis.ErrUnknownOption) {
		t.Errorf("nil Option: %v", err)
	}
}

func TestIgnoredOptions(t *testing.T) {
	list := goredis.IgnoredOptions()
	if !slices.IsSorted(list) {
		t.Errorf("IgnoredOptions is not sorted: %v", list)
	}
	// The common django-redis options.
	for _, name := range []string{"client_class", "parser_class", "connection_pool_class", "connection_pool_class_kwargs",
		"max_connections", "serializer", "compressor", "socket_timeout", "socket_connect_timeout"} {
		if !slices.Contains(list, name) || !goredis.IsIgnored(name) {
			t.Errorf("%s is not ignored", name)
		}
	}
	for _, name := range []string{"pool_size", "password", "dial_timeout", "ssl_cert_reqs", "CLIENT_CLASS", "lib", "timeout", ""} {
		if goredis.IsIgnored(name) {
			t.Errorf("%s is ignored", name)
		}
	}
	list[0] = "changed"
	if goredis.IgnoredOptions()[0] == "changed" {
		t.Error("IgnoredOptions returns the package's own slice")
	}
}

func TestTLSFiles(t *testing.T) {
	certs := redisserver.NewCerts(t)
	serverCert := readCert(t, certs.ServerCertFile)

	for _, c := range []struct {
		query       string
		skip        bool
		trustsTest  bool // RootCAs verifies the test server's certificate
		clientCerts int
	}{
		{"", false, false, 0},
		{"ssl_cert_reqs=required", false, false, 0},
		{"ssl_cert_reqs=optional", false, false, 0},
		{"ssl_cert_reqs=none", true, false, 0},
		{"skip_verify=true", true, false, 0},
		{"skip_verify=1&ssl_cert_reqs=none", true, false, 0},
		{"skip_verify=false&ssl_cert_reqs=required", false, false, 0},
		{"ssl_ca_certs=" + certs.CAFile, false, true, 0},
		{"ssl_ca_certs=" + certs.CAFile + "&ssl_certfile=" + certs.ClientCertFile + "&ssl_keyfile=" + certs.ClientKeyFile, false, true, 1},
		{"ssl_certfile=" + certs.ClientPEMFile, false, false, 1},
	} {
		t.Run(c.query, func(t *testing.T) {
			o, err := goredis.Options(parse(t, "rediss://127.0.0.1:6380/0?"+c.query))
			if err != nil {
				t.Fatal(err)
			}
			tc := o.TLSConfig
			if tc.InsecureSkipVerify != c.skip || len(tc.Certificates) != c.clientCerts {
				t.Errorf("skip %v, %d client certs; want %v, %d", tc.InsecureSkipVerify, len(tc.Certificates), c.skip, c.clientCerts)
			}
			if c.trustsTest {
				if tc.RootCAs == nil {
					t.Fatal("RootCAs is nil")
				}
				if _, err := serverCert.Verify(x509.VerifyOptions{Roots: tc.RootCAs, DNSName: "127.0.0.1"}); err != nil {
					t.Errorf("RootCAs does not trust the test CA: %v", err)
				}
			} else if tc.RootCAs != nil {
				t.Error("RootCAs is set without ssl_ca_certs")
			}
		})
	}

	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	for _, c := range []struct {
		query   string
		options []string
		cause   error
	}{
		{"ssl_ca_certs=" + missing, []string{"ssl_ca_certs"}, fs.ErrNotExist},
		{"ssl_ca_certs=" + notPEM, []string{"ssl_ca_certs"}, nil},
		{"ssl_certfile=" + missing, []string{"ssl_certfile"}, fs.ErrNotExist},
		{"ssl_certfile=" + certs.ClientCertFile, []string{"ssl_certfile"}, nil}, // no key in it
		{"ssl_certfile=" + certs.ClientCertFile + "&ssl_keyfile=" + certs.ServerKeyFile, []string{"ssl_certfile", "ssl_keyfile"}, nil},
	} {
		t.Run(c.query, func(t *testing.T) {
			_, err := goredis.Options(parse(t, "rediss://:"+secret+"@127.0.0.1/0?"+c.query))
			var e *goredis.Error
			if !errors.Is(err, goredis.ErrInvalidOption) || !errors.As(err, &e) {
				t.Fatalf("err = %v, want ErrInvalidOption", err)
			}
			if !slices.Equal(e.Options, c.options) {
				t.Errorf("Options = %v, want %v", e.Options, c.options)
			}
			if c.cause != nil && !errors.Is(err, c.cause) {
				t.Errorf("err = %v, want it to wrap %v", err, c.cause)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("message contains the password: %v", err)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	for url, want := range map[string]string{
		"redis://:" + secret + "@cache:6380/2":                    "cache:6380 db 2",
		"redis://":                                                "localhost:6379 db 0",
		"rediss://cache/0":                                        "cache:6379 db 0 (TLS)",
		"redis:///run/redis.sock/1?password=" + secret:            "unix socket /run/redis.sock db 1",
		"redis+sentinel://:" + secret + "@s1,s2:26380/mymaster/3": "sentinel master mymaster via s1:26379, s2:26380 db 3",
		"rediss+cluster://n1,n2:7001":                             "cluster seeds n1:6379, n2:7001 (TLS)",
		"redis://a,b/0":                                           "a:6379, b:6379 db 0",
	} {
		if got := goredis.Describe(parse(t, url)); got != want {
			t.Errorf("Describe(%s) = %q, want %q", url, got, want)
		}
	}
}

func TestErrorType(t *testing.T) {
	cause := fs.ErrPermission
	e := &goredis.Error{Package: "goredis", Kind: goredis.ErrInvalidOption, Options: []string{"ssl_ca_certs"}, Msg: "cannot read", Err: cause}
	if e.Error() != "goredis: cannot read: permission denied" {
		t.Errorf("Error() = %q", e.Error())
	}
	if !errors.Is(e, goredis.ErrInvalidOption) || !errors.Is(e, fs.ErrPermission) || errors.Is(e, goredis.ErrUnsupported) || !errors.Is(e, core.ErrInvalidParameter) {
		t.Error("errors.Is does not see the kind and the cause")
	}
	e2 := &goredis.Error{Package: "goredis", Kind: goredis.ErrUnsupported, Msg: "no"}
	if e2.Error() != "goredis: no" || !errors.Is(e2, goredis.ErrUnsupported) {
		t.Errorf("Error() = %q", e2.Error())
	}
}

func readCert(t *testing.T, file string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatalf("no PEM in %s", file)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
