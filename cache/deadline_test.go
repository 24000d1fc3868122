package cache_test

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

// The margins: a call with a 100 ms deadline must be back within 300 ms, a
// call on a cancelled context within 50 ms. Both are far above what the
// drivers need (a few ms past the deadline) and far below the timeouts that
// would hide a context that is ignored (go-redis's 3 s read timeout, 5 s
// dial timeout; gomemcache's 500 ms socket timeout), so a loaded 2-core
// machine does not make them flake and a regression cannot pass.
const (
	deadlineBudget = 100 * time.Millisecond
	deadlineMargin = 300 * time.Millisecond
	cancelMargin   = 50 * time.Millisecond
)

type op struct {
	name string
	f    func(ctx context.Context, c *cache.Cache) error
}

var deadlineOps = []op{
	{"Get", func(ctx context.Context, c *cache.Cache) error { _, err := c.Get(ctx, "k"); return err }},
	{"Set", func(ctx context.Context, c *cache.Cache) error { return c.Set(ctx, "k", []byte("v")) }},
}

// allOps is every operation, for the cancelled-context check.
var allOps = append(append([]op(nil), deadlineOps...),
	op{"Add", func(ctx context.Context, c *cache.Cache) error { _, err := c.Add(ctx, "k", []byte("v")); return err }},
	op{"Delete", func(ctx context.Context, c *cache.Cache) error { _, err := c.Delete(ctx, "k"); return err }},
	op{"Has", func(ctx context.Context, c *cache.Cache) error { _, err := c.Has(ctx, "k"); return err }},
	op{"GetMany", func(ctx context.Context, c *cache.Cache) error {
		_, err := c.GetMany(ctx, []string{"a", "b"})
		return err
	}},
	op{"SetMany", func(ctx context.Context, c *cache.Cache) error {
		return c.SetMany(ctx, map[string][]byte{"a": nil, "b": nil})
	}},
	op{"DeleteMany", func(ctx context.Context, c *cache.Cache) error { return c.DeleteMany(ctx, []string{"a", "b"}) }},
	op{"Incr", func(ctx context.Context, c *cache.Cache) error { _, err := c.Incr(ctx, "n", 1); return err }},
	op{"Decr", func(ctx context.Context, c *cache.Cache) error { _, err := c.Decr(ctx, "n", 1); return err }},
	op{"Touch", func(ctx context.Context, c *cache.Cache) error { _, err := c.Touch(ctx, "k"); return err }},
	op{"IncrVersion", func(ctx context.Context, c *cache.Cache) error { _, err := c.IncrVersion(ctx, "k", 1); return err }},
	op{"GetOrSet", func(ctx context.Context, c *cache.Cache) error {
		_, err := c.GetOrSet(ctx, "k", func(context.Context) ([]byte, error) { return []byte("v"), nil })
		return err
	}},
	op{"Clear", func(ctx context.Context, c *cache.Cache) error { return c.Clear(ctx) }},
)

func openT(t *testing.T, u string) *cache.Cache {
	t.Helper()
	c, err := cache.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// timed runs f and returns how long it took and its error.
func timed(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// wantDeadline checks that a call with a 100 ms deadline returned in time
// with an error matching context.DeadlineExceeded and the timeout kind,
// naming the cache.
func wantDeadline(t *testing.T, what string, err error, took time.Duration, names string) {
	t.Helper()
	switch {
	case took > deadlineMargin:
		t.Errorf("%s with a %v deadline took %v, want at most %v (err %v)", what, deadlineBudget, took, deadlineMargin, err)
	case !errors.Is(err, context.DeadlineExceeded):
		t.Errorf("%s = %v, want an error matching context.DeadlineExceeded", what, err)
	case !errors.Is(err, clients.ErrTimeout):
		t.Errorf("%s = %v, want an error matching clients.ErrTimeout", what, err)
	case !strings.Contains(err.Error(), names):
		t.Errorf("%s = %q, want it to name the cache (%s)", what, err, names)
	}
}

func wantCanceled(t *testing.T, what string, err error, took time.Duration) {
	t.Helper()
	if took > cancelMargin {
		t.Errorf("%s on a cancelled context took %v, want at most %v (err %v)", what, took, cancelMargin, err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%s on a cancelled context = %v, want an error matching context.Canceled", what, err)
	}
}

// Against a listener that accepts and never answers, every driver returns
// at the context's deadline, at once on a cancelled context, and when a
// context is cancelled during a call; the error names the cache and the
// kind.
func TestDeadlineSilentServer(t *testing.T) {
	addr := scripted.Silent(t)
	for _, u := range []string{"redis://" + addr + "/0", "memcached://" + addr} {
		c := openT(t, u)
		for _, o := range deadlineOps {
			ctx, cancel := context.WithTimeout(context.Background(), deadlineBudget)
			took, err := timed(func() error { return o.f(ctx, c) })
			cancel()
			t.Logf("%s %s with a %v deadline: %v (%v)", u, o.name, deadlineBudget, took.Round(time.Millisecond), err)
			wantDeadline(t, u+" "+o.name, err, took, addr)

			ctx, cancel = context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			took, err = timed(func() error { return o.f(ctx, c) })
			t.Logf("%s %s cancelled after 20 ms: %v (%v)", u, o.name, took.Round(time.Millisecond), err)
			wantCanceled(t, u+" "+o.name+" (cancelled during the call)", err, took-20*time.Millisecond)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, o := range allOps {
			took, err := timed(func() error { return o.f(ctx, c) })
			wantCanceled(t, u+" "+o.name, err, took)
		}
	}
}

// The URL's own timeouts bound a call whose context has no deadline.
func TestURLTimeoutWithoutDeadline(t *testing.T) {
	addr := scripted.Silent(t)
	for _, u := range []string{
		"redis://" + addr + "/0?read_timeout=150ms&max_retries=-1",
		"memcached://" + addr + "?socket_timeout=150ms",
	} {
		c := openT(t, u)
		took, err := timed(func() error { _, err := c.Get(context.Background(), "k"); return err })
		t.Logf("%s Get without a deadline: %v (%v)", u, took.Round(time.Millisecond), err)
		if took < 100*time.Millisecond || took > 1500*time.Millisecond || err == nil {
			t.Errorf("%s: Get without a deadline = %v after %v, want the URL's 150 ms timeout to end it", u, err, took)
		}
		if !errors.Is(err, clients.ErrTimeout) {
			t.Errorf("%s: Get = %v, want clients.ErrTimeout", u, err)
		}
	}
}

// A redis-server frozen with SIGSTOP: calls return at their deadline, and
// once the server runs again every call gets its own reply (a connection
// abandoned mid-reply is never reused).
func TestDeadlineFrozenRedis(t *testing.T) {
	s := redisserver.Start(t, redisserver.Config{})
	c := openT(t, "redis://"+s.Addr+"/0")
	bg := context.Background()
	for _, k := range []string{"a", "b", "c"} {
		if err := c.Set(bg, k, []byte("value of "+k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Process().Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			_ = s.Process().Signal(syscall.SIGCONT)
		}
	}
	defer resume()
	for _, o := range deadlineOps {
		ctx, cancel := context.WithTimeout(bg, deadlineBudget)
		took, err := timed(func() error { return o.f(ctx, c) })
		cancel()
		t.Logf("frozen redis %s with a %v deadline: %v (%v)", o.name, deadlineBudget, took.Round(time.Millisecond), err)
		wantDeadline(t, "frozen redis "+o.name, err, took, s.Addr)
	}
	ctx, cancel := context.WithCancel(bg)
	time.AfterFunc(20*time.Millisecond, cancel)
	took, err := timed(func() error { _, err := c.Get(ctx, "a"); return err })
	wantCanceled(t, "frozen redis Get (cancelled during the call)", err, took-20*time.Millisecond)
	resume()
	for _, k := range []string{"a", "b", "c", "a"} {
		ctx, cancel := context.WithTimeout(bg, 5*time.Second)
		v, err := c.Get(ctx, k)
		cancel()
		if err != nil || string(v) != "value of "+k {
			t.Errorf("after the server resumed, Get(%q) = %q, %v; want its own value", k, v, err)
		}
	}
}

// A memcached call abandoned at its deadline, while the server is slow to
// answer, never leaves its reply on a connection for a later call; the
// goroutines that waited for it end within the socket timeout.
func TestDeadlineMemcachedNoStaleReply(t *testing.T) {
	m := memcachedserver.Start(t)
	// A proxy that delays every reply by 150 ms.
	slow := scripted.Listen(t, delayProxy(t, m.Addr, 150*time.Millisecond))
	c := openT(t, "memcached://"+slow+"?socket_timeout=5")
	bg := context.Background()
	before := runtime.NumGoroutine()
	for _, k := range []string{"a", "b", "c"} {
		if err := c.Set(bg, k, []byte("value of "+k)); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
		_, err := c.Get(ctx, "a")
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Get through a 150 ms proxy with a 50 ms deadline = %v", err)
		}
	}
	for _, k := range []string{"b", "c", "a", "b"} {
		v, err := c.Get(bg, k)
		if err != nil || string(v) != "value of "+k {
			t.Errorf("after abandoned calls, Get(%q) = %q, %v; want its own value", k, v, err)
		}
	}
	n := runtime.NumGoroutine()
	for i := 0; i < 100 && n > before+2; i++ { // +2: the proxy's pair for the idle connection
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	if n > before+4 {
		t.Errorf("goroutines: %d before, %d after the abandoned calls ended", before, n)
	}
}

// delayProxy forwards a connection to upstream and delays each chunk of
// the server's replies by d.
func delayProxy(t *testing.T, upstream string, d time.Duration) func(net.Conn) {
	return func(c net.Conn) {
		u, err := net.Dial("tcp", upstream)
		if err != nil {
			t.Errorf("proxy: %v", err)
			return
		}
		defer u.Close()
		go func() {
			_, _ = io.Copy(u, c)
			u.Close()
		}()
		buf := make([]byte, 64<<10)
		for {
			n, err := u.Read(buf)
			if n > 0 {
				time.Sleep(d)
				if _, werr := c.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}
}

// 30 consecutive opens of a redis+sentinel:// URL, each with a round trip,
// each under a second on loopback (go-redis's own failover client waited
// up to 2 s on a lookup of its placeholder name in some opens).
func TestSentinelOpensFast(t *testing.T) {
	master := redisserver.Start(t, redisserver.Config{})
	sen := redisserver.StartSentinel(t, master, redisserver.SentinelConfig{})
	u := "redis+sentinel://" + sen.Addr + "/" + sen.MasterName + "/0"
	var slowest time.Duration
	for i := range 30 {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := cache.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Set(ctx, "k", []byte("v")); err != nil {
			t.Fatal(err)
		}
		if v, err := c.Get(ctx, "k"); err != nil || string(v) != "v" {
			t.Fatalf("Get = %q, %v", v, err)
		}
		_ = c.Close()
		cancel()
		took := time.Since(start)
		slowest = max(slowest, took)
		if took > time.Second {
			t.Errorf("open %d and a round trip took %v, want under 1 s", i, took)
		}
	}
	t.Logf("30 sentinel opens and round trips: the slowest took %v", slowest)
}
