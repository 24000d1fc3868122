package check

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

// A Sentinel that accepts and never answers: the deadline bounds the check
// (go-redis alone would wait its own 5-second dial timeout).
func TestSilentSentinel(t *testing.T) {
	silent := scripted.Silent(t)
	for _, timeout := range []time.Duration{300 * time.Millisecond, 500 * time.Millisecond} {
		start := time.Now()
		_, err := run(t, fmt.Sprintf("redis+sentinel://:%s@%s/mymaster", secret, silent), timeout)
		took := time.Since(start)
		if !errors.Is(err, clients.ErrTimeout) || !strings.Contains(err.Error(), "from the sentinels") {
			t.Errorf("silent sentinel: %v, want clients.ErrTimeout about the sentinels", err)
		}
		if took > timeout+400*time.Millisecond {
			t.Errorf("timeout %v: took %v", timeout, took)
		}
		noSecret(t, err)
	}
	// The cluster and memcached topologies too.
	for _, u := range []string{"redis+cluster://" + silent, "memcached://" + silent, "rediss://" + silent + "/0?ssl_cert_reqs=none"} {
		start := time.Now()
		_, err := run(t, u, 300*time.Millisecond)
		if !errors.Is(err, clients.ErrTimeout) || time.Since(start) > 700*time.Millisecond {
			t.Errorf("%s: %v after %v, want clients.ErrTimeout within the deadline", u, err, time.Since(start))
		}
	}
}

// Each failure is reported as what happened, against a real server where
// one can be made to fail that way, a scripted one where not.
func TestMessages(t *testing.T) {
	denied := scripted.SayAndClose(t, scripted.DeniedReply)
	hangUp := scripted.SayAndClose(t, "")
	downMaster := testserver.RefusedAddr(t)
	fakeSentinel := scripted.Sentinel(t, map[string]string{"mymaster": downMaster})
	mc := memcachedserver.Start(t)
	rs := redisserver.Start(t, redisserver.Config{Extra: []string{"databases 4"}})
	sentinel := redisserver.StartSentinel(t, rs, redisserver.SentinelConfig{})
	refused := testserver.RefusedAddr(t)

	tests := []struct {
		name string
		url  string
		kind *core.Kind
		want []string // substrings of the message
		not  []string
	}{
		{"protected mode", "redis://" + denied + "/0", clients.ErrDenied,
			[]string{"protected mode", "set a password", "DENIED Redis is running in protected mode"}, []string{"rediss://"}},
		{"unknown master", "redis+sentinel://" + sentinel.Addr + "/nosuch", clients.ErrUnknownMaster,
			[]string{`know no master named "nosuch"`, "SENTINEL MASTERS"}, []string{"unreachable", "redis: nil"}},
		{"down master", "redis+sentinel://" + fakeSentinel + "/mymaster", clients.ErrRefused,
			[]string{"master mymaster at " + downMaster, "connection refused"}, []string{fakeSentinel}},
		{"db out of range", "redis://" + rs.Addr + "/10", clients.ErrMismatch,
			[]string{"fewer databases than db 10", "databases", "ERR DB index is out of range"}, nil},
		{"not a cluster", "redis+cluster://" + rs.Addr, clients.ErrMismatch,
			[]string{"not a Redis Cluster node", "redis://"}, nil},
		{"redis URL at memcached", "redis://" + mc.Addr + "/0", clients.ErrMismatch,
			[]string{"does not speak the redis protocol", "it is memcached 1.", "use memcached://"}, nil},
		{"server hangs up", "redis://" + hangUp + "/0", clients.ErrClosed,
			[]string{"closed the connection", "rediss://"}, nil},
		{"memcached URL at redis", "memcached://" + rs.Addr, clients.ErrMismatch,
			[]string{"this is redis, not memcached", "11211"}, nil},
		{"memcached URL at a redis in protected mode", "memcached://" + denied, clients.ErrDenied,
			[]string{"not memcached", "protected mode"}, []string{"rediss"}},
		{"memcached refused", "memcached://" + refused, clients.ErrRefused,
			[]string{"is memcached running", "11211"}, []string{"rediss", "redis "}},
		{"memcached hangs up", "memcached://" + hangUp, clients.ErrClosed,
			[]string{"closed the connection", "memcached's port", "TLS"}, []string{"rediss"}},
		{"unknown option", "redis://" + rs.Addr + "/0?pool_sise=3", ErrConfig,
			[]string{"pool_sise"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, tt.url, 2*time.Second)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %v, want kind %v", err, tt.kind)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q lacks %q", err, s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(err.Error(), s) {
					t.Errorf("%q contains %q", err, s)
				}
			}
		})
	}
	// The unknown option is the client package's error, reachable for a
	// tool that words the way out itself (the CLI's --allow-unknown).
	_, err := run(t, "redis://"+rs.Addr+"/0?pool_sise=3", time.Second)
	var ce *clients.Error
	if !errors.Is(err, clients.ErrUnknownOption) || !errors.As(err, &ce) || len(ce.Options) != 1 || ce.Options[0] != "pool_sise" {
		t.Errorf("unknown option: %v (%+v)", err, ce)
	}
}

// A config is routed by its scheme: Backend may be empty.
func TestRouteByScheme(t *testing.T) {
	rs := redisserver.Start(t, redisserver.Config{})
	mc := memcachedserver.Start(t)
	for _, cfg := range []core.Config{
		{Scheme: "redis", Hosts: []string{rs.Addr}},
		{Scheme: "memcached", Hosts: []string{mc.Addr}},
		{Scheme: "locmem"},
	} {
		res, err := Run(context.Background(), cfg)
		if err != nil || res.Backend == "" {
			t.Errorf("%+v: %+v, %v", cfg, res, err)
		}
	}
	_, err := Run(context.Background(), core.Config{Scheme: "redis", Hosts: []string{"h:99999"}})
	if !errors.Is(err, ErrConfig) || !errors.Is(err, core.ErrInvalidPort) {
		t.Errorf("bad hand-built config: %v, want ErrConfig and core.ErrInvalidPort", err)
	}
}

// No goroutine, cache or connection outlives a check: every goroutine
// started while the checks ran (but the scripted server's own) has ended
// once they returned, or soon after (a closed client's goroutines finish
// asynchronously). The test waits for those goroutines only, so it ends as
// soon as they have.
func TestNoGoroutineLeft(t *testing.T) {
	rs := redisserver.Start(t, redisserver.Config{})
	mc := memcachedserver.Start(t)
	sentinel := redisserver.StartSentinel(t, redisserver.Start(t, redisserver.Config{}), redisserver.SentinelConfig{})
	silent := scripted.Silent(t)
	urls := []string{
		"locmem://x", "locmem://y?timeout=60", "dummy://",
		"redis://" + rs.Addr + "/0",
		"redis+sentinel://" + sentinel.Addr + "/mymaster",
		"redis+sentinel://" + sentinel.Addr + "/nosuch",
		"memcached://" + mc.Addr,
		"redis://" + testserver.RefusedAddr(t) + "/0",
	}
	for _, u := range urls { // warm up: goroutines a package starts once
		run(t, u, 2*time.Second)
	}
	before := goroutines()
	for i := 0; i < 200; i++ {
		run(t, urls[0], time.Second)
	}
	for i := 0; i < 10; i++ {
		for _, u := range urls[1:] {
			run(t, u, 2*time.Second)
		}
		// A check that times out leaves nothing behind either.
		run(t, "redis+sentinel://"+silent+"/mymaster", 50*time.Millisecond)
	}
	if left := startedSince(before, 5*time.Second); len(left) > 0 {
		t.Errorf("%d goroutines started by 270 checks are still running:\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

// goroutines returns the stack of every goroutine, by its id.
func goroutines() map[string]string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	out := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		id, _, _ := strings.Cut(strings.TrimPrefix(g, "goroutine "), " ")
		out[id] = g
	}
	return out
}

// startedSince waits up to limit for the goroutines that are not in before
// (but the scripted servers', which serve the test) to end, and returns the
// stacks of those still running.
func startedSince(before map[string]string, limit time.Duration) []string {
	deadline := time.Now().Add(limit)
	for {
		var left []string
		for id, g := range goroutines() {
			if _, old := before[id]; !old && !strings.Contains(g, "internal/testserver/scripted") {
				left = append(left, g)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Secrets of every length are kept out of the message, even when the server
// echoes them: a server that quotes the password it was sent.
func TestServerWordsRedactedEveryLength(t *testing.T) {
	echo := scripted.RESP(t, func(args []string) string {
		switch strings.ToUpper(args[0]) {
		case "HELLO":
			return "-ERR unknown command 'HELLO'\r\n"
		case "AUTH":
			return "-WRONGPASS the password '" + args[len(args)-1] + "' is wrong\r\n"
		}
		return "+OK\r\n"
	})
	for _, pw := range []string{"q", "zq", "zqx", "zqx7", "Sekr1t-pw"} {
		_, err := run(t, "redis://:"+pw+"@"+echo+"/0", time.Second)
		var e *Error
		if !errors.As(err, &e) || e.Kind != clients.ErrAuth {
			t.Fatalf("password %q: %v, want clients.ErrAuth", pw, err)
		}
		if strings.Contains(e.Detail, pw) || strings.Contains(e.Target, pw) || (len(pw) >= 3 && strings.Contains(e.Msg, pw)) {
			t.Errorf("password %q shows in %q", pw, err)
		}
		if !strings.Contains(e.Msg, "rejected the credentials") {
			t.Errorf("password %q: the check's own words were mangled: %q", pw, e.Msg)
		}
		if want := "the password '" + core.Redacted + "' is wrong"; !strings.Contains(e.Detail, want) {
			t.Errorf("password %q: detail %q, want %q", pw, e.Detail, want)
		}
	}
	// A credential option too.
	cfg := core.Config{Scheme: "redis", Socket: "/nonexistent/zz.sock", Options: map[string]string{"password": "zz"}}
	_, err := Run(context.Background(), cfg)
	if err == nil || strings.Contains(err.(*Error).Detail, "zz") {
		t.Errorf("option secret: %v", err)
	}
}

// fakeRedis answers like a redis that is loading its data for the first
// loading connections, then like a working one.
func fakeRedis(t *testing.T, loading int) string {
	var mu sync.Mutex
	store := map[string]string{}
	pings := 0
	return scripted.RESP(t, func(args []string) string {
		mu.Lock()
		defer mu.Unlock()
		switch strings.ToUpper(args[0]) {
		case "HELLO":
			return "-ERR unknown command 'HELLO'\r\n"
		case "PING":
			pings++
			if pings <= loading {
				return "-LOADING Redis is loading the dataset in memory\r\n"
			}
			return "+PONG\r\n"
		case "INFO":
			info := "# Server\r\nredis_version:7.0.0\r\n"
			return fmt.Sprintf("$%d\r\n%s\r\n", len(info), info)
		case "SET":
			store[args[1]] = args[2]
			return "+OK\r\n"
		case "GET":
			v, ok := store[args[1]]
			if !ok {
				return "$-1\r\n"
			}
			return fmt.Sprintf("$%d\r\n%s\r\n", len(v), v)
		case "DEL":
			delete(store, args[1])
			return ":1\r\n"
		}
		return "+OK\r\n"
	})
}

func TestWait(t *testing.T) {
	addr := fakeRedis(t, 2)
	cfg, _ := core.Parse("redis://" + addr + "/0")
	var attempts []Attempt
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := Wait(ctx, cfg, time.Second, OnRetry(func(a Attempt) { attempts = append(attempts, a) }))
	if err != nil || res.Attempts != 3 || res.Server != "redis 7.0.0" {
		t.Fatalf("Wait: %+v, %v; want success at attempt 3", res, err)
	}
	if len(attempts) != 2 || attempts[0].Delay != MinBackoff || attempts[1].Delay != 2*MinBackoff || !errors.Is(attempts[0].Err, clients.ErrLoading) {
		t.Errorf("retries: %+v", attempts)
	}

	// Refused until the deadline: the last error, within the deadline.
	cfg, _ = core.Parse("redis://" + testserver.RefusedAddr(t) + "/0")
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	start := time.Now()
	res, err = Wait(ctx2, cfg, 200*time.Millisecond)
	if !errors.Is(err, clients.ErrRefused) || res.Attempts < 3 || time.Since(start) > 1300*time.Millisecond {
		t.Errorf("Wait on a refused port: %+v, %v after %v", res, err, time.Since(start))
	}

	// What waiting cannot fix is not retried.
	cfg, _ = core.Parse("redis://" + addr + "/0?pool_sise=1")
	res, err = Wait(context.Background(), cfg, time.Second)
	if !errors.Is(err, ErrConfig) || res.Attempts != 1 {
		t.Errorf("Wait on a bad option: %+v, %v", res, err)
	}
}
