package goredis_test

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
)

// cfg is a standalone config with the given options, built directly so that
// these tests do not depend on the parser.
func cfg(options map[string]string) core.Config {
	return core.Config{Scheme: "redis", Backend: core.BackendRedis, Topology: core.Standalone,
		Hosts: []string{"127.0.0.1:6379"}, Options: options}
}

func parse(t *testing.T, url string) core.Config {
	t.Helper()
	c, err := core.Parse(url)
	if err != nil {
		t.Fatalf("core.Parse(%q): %v", url, err)
	}
	return c
}

// fieldOf reads a field of *redis.Options by name.
func fieldOf(o *redis.Options, name string) any {
	return reflect.ValueOf(o).Elem().FieldByName(name).Interface()
}

// The value rules of the go-redis parameters, as go-redis v9 documents them
// on ParseURL: a duration is a Go duration or plain whole seconds, and zero
// or negative disables it (-1); booleans are true/false/1/0; integers are
// decimal. Plus the stricter checks this package documents.
func TestParameterValues(t *testing.T) {
	durationCases := []struct {
		in   string
		want time.Duration
	}{
		{"3", 3 * time.Second},
		{"+3", 3 * time.Second},
		{"007", 7 * time.Second},
		{"500ms", 500 * time.Millisecond},
		{"1m30s", 90 * time.Second},
		{"1.5s", 1500 * time.Millisecond},
		{"0", -1},
		{"-5", -1},
		{"0s", -1},
		{"-1s", -1},
	}
	badDurations := []string{"abc", "1.5", "3 s", "5x", "9223372037", "99999999999999999999"}
	durations := map[string]string{
		"dial_timeout": "DialTimeout", "read_timeout": "ReadTimeout", "write_timeout": "WriteTimeout",
		"pool_timeout": "PoolTimeout", "conn_max_idle_time": "ConnMaxIdleTime", "idle_timeout": "ConnMaxIdleTime",
		"conn_max_lifetime": "ConnMaxLifetime", "max_conn_age": "ConnMaxLifetime",
		"min_retry_backoff": "MinRetryBackoff", "max_retry_backoff": "MaxRetryBackoff",
		"dialer_retry_timeout": "DialerRetryTimeout",
	}
	for name, field := range durations {
		for _, c := range durationCases {
			t.Run(name+"="+c.in, func(t *testing.T) {
				o, err := goredis.Options(cfg(map[string]string{name: c.in}))
				if err != nil {
					t.Fatal(err)
				}
				if got := fieldOf(o, field); got != c.want {
					t.Errorf("%s = %v, want %v", field, got, c.want)
				}
			})
		}
		for _, bad := range badDurations {
			t.Run(name+"="+bad, func(t *testing.T) {
				_, err := goredis.Options(cfg(map[string]string{name: bad}))
				wantOptionError(t, err, goredis.ErrInvalidOption, name, bad)
			})
		}
	}

	counts := map[string]string{
		"pool_size": "PoolSize", "min_idle_conns": "MinIdleConns", "max_idle_conns": "MaxIdleConns",
		"max_active_conns": "MaxActiveConns", "max_concurrent_dials": "MaxConcurrentDials", "dialer_retries": "DialerRetries",
	}
	for name, field := range counts {
		for in, want := range map[string]int{"0": 0, "1": 1, "+20": 20, "020": 20, "2147483647": math.MaxInt32} {
			t.Run(name+"="+in, func(t *testing.T) {
				o, err := goredis.Options(cfg(map[string]string{name: in}))
				if err != nil {
					t.Fatal(err)
				}
				if got := fieldOf(o, field); got != want {
					t.Errorf("%s = %v, want %v", field, got, want)
				}
			})
		}
		for _, bad := range []string{"-1", "abc", "1.5", "1e3", "2147483648", "99999999999999999999", " 1"} {
			t.Run(name+"="+bad, func(t *testing.T) {
				_, err := goredis.Options(cfg(map[string]string{name: bad}))
				wantOptionError(t, err, goredis.ErrInvalidOption, name, bad)
			})
		}
	}

	// max_retries: -1 disables retries (go-redis's documented meaning).
	for in, want := range map[string]int{"-1": -1, "0": 0, "5": 5} {
		o, err := goredis.Options(cfg(map[string]string{"max_retries": in}))
		if err != nil || o.MaxRetries != want {
			t.Errorf("max_retries=%s: MaxRetries = %v, %v; want %d", in, o, err, want)
		}
	}
	for _, bad := range []string{"-2", "x"} {
		_, err := goredis.Options(cfg(map[string]string{"max_retries": bad}))
		wantOptionError(t, err, goredis.ErrInvalidOption, "max_retries", bad)
	}

	bools := map[string]string{"pool_fifo": "PoolFIFO", "context_timeout_enabled": "ContextTimeoutEnabled"}
	for name, field := range bools {
		for in, want := range map[string]bool{"true": true, "1": true, "false": false, "0": false} {
			t.Run(name+"="+in, func(t *testing.T) {
				o, err := goredis.Options(cfg(map[string]string{name: in}))
				if err != nil {
					t.Fatal(err)
				}
				if got := fieldOf(o, field); got != want {
					t.Errorf("%s = %v, want %v", field, got, want)
				}
			})
		}
		for _, bad := range []string{"True", "yes", "on", "2", "t"} {
			t.Run(name+"="+bad, func(t *testing.T) {
				_, err := goredis.Options(cfg(map[string]string{name: bad}))
				wantOptionError(t, err, goredis.ErrInvalidOption, name, bad)
			})
		}
	}

	// protocol: the RESP versions, 2 and 3 only.
	for in, want := range map[string]int{"2": 2, "3": 3} {
		o, err := goredis.Options(cfg(map[string]string{"protocol": in}))
		if err != nil || o.Protocol != want {
			t.Errorf("protocol=%s: %v, %v", in, o, err)
		}
	}
	for _, bad := range []string{"1", "4", "0", "three", "-3"} {
		_, err := goredis.Options(cfg(map[string]string{"protocol": bad}))
		wantOptionError(t, err, goredis.ErrInvalidOption, "protocol", bad)
	}

	// client_name: what CLIENT SETNAME accepts.
	o, err := goredis.Options(cfg(map[string]string{"client_name": "web-1:worker"}))
	if err != nil || o.ClientName != "web-1:worker" {
		t.Errorf("client_name: %v, %v", o, err)
	}
	for _, bad := range []string{"two words", "é"} {
		_, err := goredis.Options(cfg(map[string]string{"client_name": bad}))
		wantOptionError(t, err, goredis.ErrInvalidOption, "client_name", "")
	}
	// A control character is core's rule for every option value: the
	// config is rejected before its options are read.
	if _, err := goredis.Options(cfg(map[string]string{"client_name": "tab\tname"})); !errors.Is(err, goredis.ErrInvalidConfig) || !errors.Is(err, core.ErrInvalidParameter) {
		t.Errorf("client_name with a tab: %v", err)
	}
}

// conn_max_lifetime_jitter is capped at conn_max_lifetime, as in go-redis.
func TestJitter(t *testing.T) {
	for _, c := range []struct {
		opts map[string]string
		want time.Duration
	}{
		{map[string]string{"conn_max_lifetime": "1h", "conn_max_lifetime_jitter": "6m"}, 6 * time.Minute},
		{map[string]string{"conn_max_lifetime": "1m", "conn_max_lifetime_jitter": "6m"}, time.Minute},
		{map[string]string{"conn_max_lifetime_jitter": "6m"}, 0},
		{map[string]string{"conn_max_lifetime": "1h"}, 0},
	} {
		o, err := goredis.Options(cfg(c.opts))
		if err != nil {
			t.Fatal(err)
		}
		if o.ConnMaxLifetimeJitter != c.want {
			t.Errorf("%v: jitter = %v, want %v", c.opts, o.ConnMaxLifetimeJitter, c.want)
		}
	}
}

func TestAliasConflict(t *testing.T) {
	for _, pair := range [][2]string{{"conn_max_idle_time", "idle_timeout"}, {"conn_max_lifetime", "max_conn_age"}} {
		_, err := goredis.Options(cfg(map[string]string{pair[0]: "1m", pair[1]: "2m"}))
		wantOptionError(t, err, goredis.ErrInvalidOption, pair[0], pair[1])
	}
}

// Options that go-redis's URL parsers also accept must give the same
// options as theirs: go-redis is the oracle for its own value rules.
func TestSameAsGoRedisParseURL(t *testing.T) {
	query := []string{
		"dial_timeout=3&read_timeout=6s&write_timeout=-1&max_retries=2",
		"pool_size=20&min_idle_conns=2&max_idle_conns=5&max_active_conns=30&pool_timeout=0&pool_fifo=true",
		"conn_max_idle_time=5m&conn_max_lifetime=1h&conn_max_lifetime_jitter=2m&max_concurrent_dials=4",
		"idle_timeout=7&max_conn_age=0",
		"min_retry_backoff=-1&max_retry_backoff=2s&max_retries=-1&client_name=web&protocol=2",
		"conn_max_lifetime=1m&conn_max_lifetime_jitter=1h",
	}
	for _, q := range query {
		for _, base := range []string{"redis://u:p@127.0.0.1:6380/3", "rediss://:p@cache.example:6379/0", "redis://[::1]:7000/1"} {
			url := base + "?" + q
			if strings.HasPrefix(base, "rediss") {
				url += "&skip_verify=true"
			}
			t.Run(url, func(t *testing.T) {
				want, err := redis.ParseURL(url)
				if err != nil {
					t.Fatalf("redis.ParseURL: %v", err)
				}
				got, err := goredis.Options(parse(t, url))
				if err != nil {
					t.Fatal(err)
				}
				compareFields(t, got, want)
			})
		}
	}
	// A unix socket: go-redis writes unix:///path?db=N.
	want, err := redis.ParseURL("unix://:pw@/run/redis.sock?db=4&dial_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	got, err := goredis.Options(parse(t, "redis:///run/redis.sock/4?password=pw&dial_timeout=2"))
	if err != nil {
		t.Fatal(err)
	}
	compareFields(t, got, want)
}

func TestSameAsGoRedisParseClusterURL(t *testing.T) {
	for _, q := range []string{
		"max_redirects=5&read_only=true&route_by_latency=1&route_randomly=0",
		"dial_timeout=3&read_timeout=6s&dialer_retries=2&dialer_retry_timeout=50ms&pool_size=7&max_redirects=-1",
	} {
		ours := "redis+cluster://u:p@127.0.0.1:7000,127.0.0.1:7001?" + q
		theirs := "redis://u:p@127.0.0.1:7000?addr=127.0.0.1:7001&" + q
		want, err := redis.ParseClusterURL(theirs)
		if err != nil {
			t.Fatal(err)
		}
		got, err := goredis.ClusterOptions(parse(t, ours))
		if err != nil {
			t.Fatal(err)
		}
		compareFields(t, got, want)
	}
}

// go-redis's ParseFailoverURL puts the sentinel credentials in the userinfo
// and the data node's in ?username=&password=; cacheurl puts the
// data node's in the userinfo and the sentinels' in sentinel_username and
// sentinel_password. The fields must agree once that is accounted for.
func TestSameAsGoRedisParseFailoverURL(t *testing.T) {
	q := "dial_timeout=3&read_timeout=6s&pool_size=7&route_randomly=true&replica_only=1&context_timeout_enabled=true"
	ours := "redis+sentinel://alice:apw@127.0.0.1:26379,127.0.0.1:26380/mymaster/2?sentinel_username=sent&sentinel_password=spw&" + q
	theirs := "redis://sent:spw@127.0.0.1:26379/2?addr=127.0.0.1:26380&master_name=mymaster&username=alice&password=apw&" + q
	want, err := redis.ParseFailoverURL(theirs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := goredis.FailoverOptions(parse(t, ours))
	if err != nil {
		t.Fatal(err)
	}
	compareFields(t, got, want)
}

// compareFields compares two go-redis options structs field by field:
// every exported field of a comparable kind, and the TLS settings that
// matter (ServerName, MinVersion, InsecureSkipVerify).
func compareFields(t *testing.T, got, want any) {
	t.Helper()
	g, w := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range g.NumField() {
		f := g.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		gv, wv := g.Field(i), w.Field(i)
		switch {
		case f.Name == "TLSConfig":
			if gv.IsNil() != wv.IsNil() {
				t.Errorf("TLSConfig = %v, want %v", gv.Interface(), wv.Interface())
				continue
			}
			if !gv.IsNil() {
				compareTLS(t, gv.Interface(), wv.Interface())
			}
		case f.Type.Kind() == reflect.Func || f.Type.Kind() == reflect.Interface || f.Type.Kind() == reflect.Pointer:
			// Hooks and providers: neither side sets them.
			if !gv.IsNil() || !wv.IsNil() {
				t.Errorf("%s is set: got %v, want %v", f.Name, gv.Interface(), wv.Interface())
			}
		default:
			if !reflect.DeepEqual(gv.Interface(), wv.Interface()) {
				t.Errorf("%s = %#v, want %#v (go-redis)", f.Name, gv.Interface(), wv.Interface())
			}
		}
	}
}

func compareTLS(t *testing.T, got, want any) {
	t.Helper()
	g, w := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for _, name := range []string{"ServerName", "MinVersion", "InsecureSkipVerify"} {
		if gv, wv := g.FieldByName(name).Interface(), w.FieldByName(name).Interface(); gv != wv {
			t.Errorf("TLSConfig.%s = %v, want %v (go-redis)", name, gv, wv)
		}
	}
}

// wantOptionError checks err is an *goredis.Error of kind naming option,
// whose message mentions option and value.
func wantOptionError(t *testing.T, err error, kind error, option, value string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("err = %v, want %v", err, kind)
	}
	var e *goredis.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %T, want *goredis.Error", err)
	}
	if !strings.Contains(e.Error(), option) || (value != "" && !strings.Contains(e.Error(), strconv.Quote(value)) && !strings.Contains(e.Error(), value)) {
		t.Errorf("message %q does not name option %s and value %q", e.Error(), option, value)
	}
	found := false
	for _, o := range e.Options {
		found = found || o == option
	}
	if !found {
		t.Errorf("Options = %v, want it to contain %s", e.Options, option)
	}
}
