// Package cachetest is the conformance suite of package cache: [Run] checks
// one driver, opened from a URL, against Django's cache semantics (the keys
// as the server stores them, the expiry the server reports, the results of
// add, delete, touch and incr, clear, memcached's key rules, concurrent use
// and Close). The cache package runs it against every driver with real
// servers; see docs/cache.md.
package cachetest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/core"
)

// Family is the backend family of a [Target]: where Django's backends
// differ (clear, key rules, decr below zero, what is stored at all), the
// suite expects what Django's backend of that family does.
type Family int

const (
	// Redis: clear removes only "<key_prefix>:*"; any key is valid.
	Redis Family = iota
	// Memcached: clear is flush_all; keys are validated; expiries over 30
	// days are absolute times; decr stops at 0.
	Memcached
	// Locmem: in process; clear empties this cache only.
	Locmem
	// Dummy stores nothing.
	Dummy
)

func (k Family) String() string {
	return [...]string{"redis", "memcached", "locmem", "dummy"}[k]
}

// Target is one driver under test.
type Target struct {
	// URL opens the cache. The suite adds query parameters to it
	// (key_prefix, version, timeout), so it must not have them.
	URL string
	// Family is the backend family.
	Family Family
	// Server is the server's own view of the keys, or nil when there is
	// none (locmem, dummy): the checks of what the server stores are then
	// skipped, the checks of the results are not.
	Server Server
	// Nodes, for a cluster, are views of each master: Clear must remove the
	// cache's keys from every one of them.
	Nodes []Server
	// NoLeakCheck skips the goroutine count of Close (for a caller that
	// runs targets in parallel, where the count is not this target's).
	NoLeakCheck bool
}

// Run runs the conformance suite against tg, one subtest per point. The
// subtests run one after the other (Close compares goroutine counts, and
// memcached's flush_all clears the whole server).
func Run(t *testing.T, tg Target) {
	t.Helper()
	s := &suite{tg: tg}
	for _, c := range []struct {
		name string
		f    func(*testing.T)
		only []Family // nil: every kind
	}{
		{"KeyFunction", s.keyFunction, nil},
		{"DefaultExpiry", s.defaultExpiry, nil},
		{"Expires", s.expires, nil},
		{"ZeroAndNegativeExpiry", s.zeroAndNegative, nil},
		{"Memcached30Days", s.memcached30Days, []Family{Memcached}},
		{"Results", s.results, nil},
		{"TouchTTL", s.touchTTL, nil},
		{"Incr", s.incr, nil},
		{"Decr", s.decr, nil},
		{"IncrAtomic", s.incrAtomic, []Family{Redis, Memcached, Locmem}},
		{"IncrVersion", s.incrVersion, nil},
		{"VersionPerCall", s.versionPerCall, nil},
		{"GetOrSet", s.getOrSet, nil},
		{"GetOrSetOneFill", s.getOrSetOneFill, nil},
		{"GetOrSetFillError", s.getOrSetFillError, nil},
		{"GetOrSetCallerDeadline", s.getOrSetCallerDeadline, nil},
		{"GetOrSetFillLock", s.getOrSetFillLock, nil},
		{"BatchCommands", s.batchCommands, []Family{Redis}},
		{"Clear", s.clear, nil},
		{"MemcachedKeys", s.memcachedKeys, nil},
		{"LocmemCapacity", s.locmemCapacity, []Family{Locmem}},
		{"Concurrent", s.concurrent, nil},
		{"CloseLeavesNoGoroutine", s.closeNoLeak, nil},
	} {
		if c.only != nil && !hasFamily(c.only, tg.Family) {
			continue
		}
		t.Run(c.name, c.f)
	}
}

func hasFamily(ks []Family, k Family) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

type suite struct {
	tg Target
}

func (s *suite) stores() bool { return s.tg.Family != Dummy }

// open opens the target with extra query parameters and closes it when the
// test ends.
func (s *suite) open(t *testing.T, query string) *cache.Cache {
	t.Helper()
	u := s.tg.URL
	if query != "" {
		if strings.Contains(u, "?") {
			u += "&" + query
		} else {
			u += "?" + query
		}
	}
	c, err := cache.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("Open(%s): %v", core.RedactText(u), err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// ---- what the server sees ----

func (s *suite) serverGet(t *testing.T, key string) ([]byte, bool) {
	t.Helper()
	v, ok, err := s.tg.Server.Get(ctx(t), key)
	if err != nil {
		t.Fatalf("server GET %q: %v", key, err)
	}
	return v, ok
}

// wantStored checks that the server holds value under the made key.
func (s *suite) wantStored(t *testing.T, key, value string) {
	t.Helper()
	if s.tg.Server == nil {
		return
	}
	v, ok := s.serverGet(t, key)
	if !ok {
		t.Errorf("server has no key %q, want %q stored under it", key, value)
	} else if string(v) != value {
		t.Errorf("server key %q = %q, want %q", key, v, value)
	}
}

// wantAbsent checks that the server has no such key.
func (s *suite) wantAbsent(t *testing.T, key string) {
	t.Helper()
	if s.tg.Server == nil {
		return
	}
	if v, ok := s.serverGet(t, key); ok {
		t.Errorf("server has key %q = %q, want it absent", key, v)
	}
}

// wantTTL checks the TTL the server reports for key: NoExpiry, or within
// a few seconds below want.
func (s *suite) wantTTL(t *testing.T, key string, want time.Duration) {
	t.Helper()
	if s.tg.Server == nil {
		return
	}
	got, ok, err := s.tg.Server.TTL(ctx(t), key)
	switch {
	case err != nil:
		t.Fatalf("server TTL %q: %v", key, err)
	case !ok:
		t.Errorf("server TTL %q: key absent, want TTL %v", key, want)
	case want == NoExpiry && got != NoExpiry:
		t.Errorf("server TTL %q = %v, want no expiry", key, got)
	case want != NoExpiry && (got == NoExpiry || got > want+time.Second || got < want-5*time.Second):
		t.Errorf("server TTL %q = %v, want %v (to within a few seconds)", key, got, want)
	}
}

func (s *suite) serverSet(t *testing.T, key, value string) {
	t.Helper()
	if err := s.tg.Server.Set(ctx(t), key, []byte(value)); err != nil {
		t.Fatalf("server SET %q: %v", key, err)
	}
}

// ---- through the cache ----

func mustSet(t *testing.T, c *cache.Cache, key, value string, opts ...cache.SetOption) {
	t.Helper()
	if err := c.Set(ctx(t), key, []byte(value), opts...); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

// wantGet checks Get: the value, or a miss when want is nil.
func (s *suite) wantGet(t *testing.T, c *cache.Cache, key string, want *string) {
	t.Helper()
	v, err := c.Get(ctx(t), key)
	if !s.stores() || want == nil {
		if !errors.Is(err, cache.ErrNotFound) {
			t.Errorf("Get(%q) = %q, %v; want ErrNotFound", key, v, err)
		}
		return
	}
	if err != nil || string(v) != *want {
		t.Errorf("Get(%q) = %q, %v; want %q", key, v, err, *want)
	}
}

func str(s string) *string { return &s }

func ttl(secs int64) cache.SetOption { return cache.WithTTL(core.TTLSeconds(secs)) }

// ---- the points ----

// keyFunction: Django's default_key_func, "<key_prefix>:<version>:<key>".
func (s *suite) keyFunction(t *testing.T) {
	for _, tc := range []struct{ query, made string }{
		{"", ":1:kf"},
		{"key_prefix=app", "app:1:kf"},
		{"key_prefix=app&version=3", "app:3:kf"},
		{"version=12", ":12:kf"},
	} {
		c := s.open(t, tc.query)
		if got := c.MakeKey("kf"); got != tc.made {
			t.Errorf("%q: MakeKey = %q, want %q", tc.query, got, tc.made)
		}
		mustSet(t, c, "kf", "v:"+tc.made)
		s.wantGet(t, c, "kf", str("v:"+tc.made))
		if s.stores() {
			s.wantStored(t, tc.made, "v:"+tc.made)
		} else {
			s.wantAbsent(t, tc.made)
		}
		_, _ = c.Delete(ctx(t), "kf")
	}
	// A key another program (Django) wrote under the same URL is read.
	if s.tg.Server != nil {
		c := s.open(t, "key_prefix=dj")
		s.serverSet(t, "dj:1:written-by-django", "hello")
		s.wantGet(t, c, "written-by-django", str("hello"))
	}
}

// defaultExpiry: the call's expiry, else the URL's timeout, else 300 s.
func (s *suite) defaultExpiry(t *testing.T) {
	c := s.open(t, "key_prefix=exp")
	mustSet(t, c, "plain", "v")
	s.wantTTL(t, "exp:1:plain", 300*time.Second)
	if ok, err := c.Add(ctx(t), "added", []byte("v")); err != nil || !ok {
		t.Errorf("Add = %v, %v", ok, err)
	}
	s.wantTTL(t, "exp:1:added", 300*time.Second)
	if err := c.SetMany(ctx(t), map[string][]byte{"many": []byte("v")}); err != nil {
		t.Fatal(err)
	}
	s.wantTTL(t, "exp:1:many", 300*time.Second)
	mustSet(t, c, "call", "v", ttl(120))
	s.wantTTL(t, "exp:1:call", 120*time.Second)
	mustSet(t, c, "expiry", "v", cache.WithExpiry(90*time.Second+500*time.Millisecond))
	s.wantTTL(t, "exp:1:expiry", 90*time.Second)
	mustSet(t, c, "never", "v", cache.WithTTL(core.NeverExpire))
	s.wantTTL(t, "exp:1:never", NoExpiry)
	s.wantGet(t, c, "never", str("v"))

	c60 := s.open(t, "key_prefix=exp60&timeout=60")
	mustSet(t, c60, "k", "v")
	s.wantTTL(t, "exp60:1:k", 60*time.Second)
	mustSet(t, c60, "call", "v", ttl(200))
	s.wantTTL(t, "exp60:1:call", 200*time.Second)

	cn := s.open(t, "key_prefix=expnone&timeout=none")
	mustSet(t, cn, "k", "v")
	s.wantTTL(t, "expnone:1:k", NoExpiry)
	mustSet(t, cn, "call", "v", ttl(100))
	s.wantTTL(t, "expnone:1:call", 100*time.Second)
}

// expires: an entry is gone after its expiry.
func (s *suite) expires(t *testing.T) {
	c := s.open(t, "key_prefix=short")
	mustSet(t, c, "k", "v", ttl(1))
	s.wantGet(t, c, "k", str("v"))
	if !s.stores() {
		return
	}
	deadline := time.Now().Add(4 * time.Second)
	for {
		_, err := c.Get(ctx(t), "k")
		if errors.Is(err, cache.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("an entry with a 1 s expiry is still there after 4 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.wantAbsent(t, "short:1:k")
}

// zeroAndNegative: 0 or a negative expiry stores nothing and removes an
// existing entry.
func (s *suite) zeroAndNegative(t *testing.T) {
	c := s.open(t, "key_prefix=zero")
	for name, opt := range map[string]cache.SetOption{
		"WithTTL(0)":         ttl(0),
		"WithExpiry(-5s)":    cache.WithExpiry(-5 * time.Second),
		"WithExpiry(0)":      cache.WithExpiry(0),
		"WithExpiry(999ms)":  cache.WithExpiry(999 * time.Millisecond),
		"WithExpiry(-1ns)":   cache.WithExpiry(-1),
		"WithExpiry(-1000h)": cache.WithExpiry(-1000 * time.Hour),
	} {
		mustSet(t, c, "k", "old")
		mustSet(t, c, "k", "new", opt)
		s.wantGet(t, c, "k", nil)
		s.wantAbsent(t, "zero:1:k")

		// Add on an absent key "stores" and the entry is gone at once:
		// Django's add reports True.
		ok, err := c.Add(ctx(t), "a", []byte("v"), opt)
		if err != nil || !ok {
			t.Errorf("%s: Add absent = %v, %v; want true (stored, expired at once)", name, ok, err)
		}
		s.wantGet(t, c, "a", nil)
		s.wantAbsent(t, "zero:1:a")

		if err := c.SetMany(ctx(t), map[string][]byte{"m1": []byte("1"), "m2": []byte("2")}); err != nil {
			t.Fatal(err)
		}
		if err := c.SetMany(ctx(t), map[string][]byte{"m1": []byte("1"), "m2": []byte("2")}, opt); err != nil {
			t.Fatal(err)
		}
		if got, err := c.GetMany(ctx(t), []string{"m1", "m2"}); err != nil || len(got) != 0 {
			t.Errorf("%s: GetMany after SetMany = %q, %v; want nothing", name, got, err)
		}

		mustSet(t, c, "t", "v")
		ok, err = c.Touch(ctx(t), "t", opt)
		if err != nil || ok != s.stores() {
			t.Errorf("%s: Touch present = %v, %v; want %v", name, ok, err, s.stores())
		}
		s.wantGet(t, c, "t", nil)
		s.wantAbsent(t, "zero:1:t")
	}
	// The URL's timeout=0: nothing is kept.
	c0 := s.open(t, "key_prefix=zurl&timeout=0")
	mustSet(t, c0, "k", "v")
	s.wantGet(t, c0, "k", nil)
	s.wantAbsent(t, "zurl:1:k")
}

// memcached30Days: expiries over 30 days are sent as absolute times (sent
// as seconds, memcached would read them as a date in 1970 and expire the
// entry at once).
func (s *suite) memcached30Days(t *testing.T) {
	c := s.open(t, "key_prefix=m30")
	const day = 24 * time.Hour
	for _, d := range []time.Duration{30 * day, 30*day + time.Second, 40 * day, 365 * day} {
		mustSet(t, c, "k", "v", cache.WithExpiry(d))
		s.wantGet(t, c, "k", str("v"))
		s.wantTTL(t, "m30:1:k", d)
	}
	mustSet(t, c, "t", "v")
	if ok, err := c.Touch(ctx(t), "t", cache.WithExpiry(40*day)); err != nil || !ok {
		t.Fatalf("Touch = %v, %v", ok, err)
	}
	s.wantGet(t, c, "t", str("v"))
	s.wantTTL(t, "m30:1:t", 40*day)
	if ok, err := c.Add(ctx(t), "a", []byte("v"), cache.WithExpiry(40*day)); err != nil || !ok {
		t.Fatalf("Add = %v, %v", ok, err)
	}
	s.wantTTL(t, "m30:1:a", 40*day)
}

// results: get, add, delete, has, touch, get_many, set_many, delete_many
// report what Django's BaseCache reports.
func (s *suite) results(t *testing.T) {
	c := s.open(t, "key_prefix=res")
	st := s.stores()
	if _, err := c.Get(ctx(t), "missing"); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Get missing = %v, want ErrNotFound", err)
	}
	if ok, err := c.Add(ctx(t), "a", []byte("first")); err != nil || !ok {
		t.Errorf("Add absent = %v, %v; want true", ok, err)
	}
	if ok, err := c.Add(ctx(t), "a", []byte("second")); err != nil || ok != !st {
		t.Errorf("Add present = %v, %v; want %v", ok, err, !st)
	}
	s.wantGet(t, c, "a", str("first"))
	s.wantStored(t, "res:1:a", "first")
	if ok, err := c.Has(ctx(t), "a"); err != nil || ok != st {
		t.Errorf("Has present = %v, %v", ok, err)
	}
	if ok, err := c.Has(ctx(t), "missing"); err != nil || ok {
		t.Errorf("Has missing = %v, %v", ok, err)
	}
	if ok, err := c.Delete(ctx(t), "a"); err != nil || ok != st {
		t.Errorf("Delete present = %v, %v; want %v", ok, err, st)
	}
	if ok, err := c.Delete(ctx(t), "a"); err != nil || ok {
		t.Errorf("Delete absent = %v, %v; want false", ok, err)
	}
	s.wantAbsent(t, "res:1:a")
	mustSet(t, c, "t", "v")
	if ok, err := c.Touch(ctx(t), "t", ttl(50)); err != nil || ok != st {
		t.Errorf("Touch present = %v, %v; want %v", ok, err, st)
	}
	if ok, err := c.Touch(ctx(t), "missing", ttl(50)); err != nil || ok {
		t.Errorf("Touch absent = %v, %v; want false", ok, err)
	}
	s.wantAbsent(t, "res:1:missing")

	// Values are bytes stored as given.
	bin := string([]byte{0, 1, 2, 0xff, '\r', '\n', ' '})
	mustSet(t, c, "bin", bin)
	s.wantGet(t, c, "bin", str(bin))
	s.wantStored(t, "res:1:bin", bin)
	mustSet(t, c, "empty", "")
	s.wantGet(t, c, "empty", str(""))

	items := map[string][]byte{"m1": []byte("1"), "m2": []byte("2"), "m3": []byte("3")}
	if err := c.SetMany(ctx(t), items); err != nil {
		t.Fatal(err)
	}
	s.wantStored(t, "res:1:m2", "2")
	got, err := c.GetMany(ctx(t), []string{"m1", "m2", "nope", "m3"})
	switch {
	case err != nil:
		t.Fatalf("GetMany: %v", err)
	case !st && len(got) != 0:
		t.Errorf("GetMany = %q, want empty", got)
	case st && (len(got) != 3 || string(got["m1"]) != "1" || string(got["m2"]) != "2" || string(got["m3"]) != "3"):
		t.Errorf("GetMany = %q, want m1..m3 by their keys as given", got)
	}
	if err := c.DeleteMany(ctx(t), []string{"m1", "m3", "nope"}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.GetMany(ctx(t), []string{"m1", "m2", "m3"})
	if _, ok := got["m2"]; len(got) != map[bool]int{true: 1, false: 0}[st] || ok != st {
		t.Errorf("GetMany after DeleteMany(m1, m3) = %q, want only m2", got)
	}
	s.wantAbsent(t, "res:1:m1")
	if got, err := c.GetMany(ctx(t), nil); err != nil || len(got) != 0 {
		t.Errorf("GetMany(nil) = %q, %v", got, err)
	}
}

// touchTTL: touch sets the given expiry, or the default one.
func (s *suite) touchTTL(t *testing.T) {
	c := s.open(t, "key_prefix=touch")
	mustSet(t, c, "k", "v", ttl(100))
	s.wantTTL(t, "touch:1:k", 100*time.Second)
	for _, tc := range []struct {
		opts []cache.SetOption
		want time.Duration
	}{
		{[]cache.SetOption{ttl(200)}, 200 * time.Second},
		{[]cache.SetOption{cache.WithTTL(core.NeverExpire)}, NoExpiry},
		{nil, 300 * time.Second}, // the default, as Django's touch(key)
		{[]cache.SetOption{cache.WithTTL(core.NeverExpire)}, NoExpiry},
		{[]cache.SetOption{ttl(30)}, 30 * time.Second},
	} {
		ok, err := c.Touch(ctx(t), "k", tc.opts...)
		if err != nil || ok != s.stores() {
			t.Fatalf("Touch = %v, %v", ok, err)
		}
		s.wantTTL(t, "touch:1:k", tc.want)
		s.wantGet(t, c, "k", str("v"))
	}
	// Touch with never on a key that already has no expiry still reports
	// that it exists.
	mustSet(t, c, "p", "v", cache.WithTTL(core.NeverExpire))
	if ok, err := c.Touch(ctx(t), "p", cache.WithTTL(core.NeverExpire)); err != nil || ok != s.stores() {
		t.Errorf("Touch(never) on a persistent key = %v, %v; want %v", ok, err, s.stores())
	}
}

// incr: a missing key is ErrNotFound (and is not created), the expiry is
// kept, counters are decimal text.
func (s *suite) incr(t *testing.T) {
	c := s.open(t, "key_prefix=incr")
	if n, err := c.Incr(ctx(t), "missing", 1); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Incr missing = %d, %v; want ErrNotFound", n, err)
	}
	if n, err := c.Incr(ctx(t), "missing", -1); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Decr missing = %d, %v; want ErrNotFound", n, err)
	}
	s.wantAbsent(t, "incr:1:missing")
	if !s.stores() {
		mustSet(t, c, "n", "1")
		if _, err := c.Incr(ctx(t), "n", 1); !errors.Is(err, cache.ErrNotFound) {
			t.Errorf("dummy Incr = %v, want ErrNotFound", err)
		}
		return
	}
	mustSet(t, c, "n", "10", ttl(100))
	for _, step := range []struct{ delta, want int64 }{{5, 15}, {-3, 12}, {0, 12}, {1000000, 1000012}} {
		n, err := c.Incr(ctx(t), "n", step.delta)
		if err != nil || n != step.want {
			t.Fatalf("Incr(%d) = %d, %v; want %d", step.delta, n, err, step.want)
		}
		s.wantGet(t, c, "n", str(strconv.FormatInt(step.want, 10)))
		s.wantStored(t, "incr:1:n", strconv.FormatInt(step.want, 10))
	}
	s.wantTTL(t, "incr:1:n", 100*time.Second)

	mustSet(t, c, "forever", "1", cache.WithTTL(core.NeverExpire))
	if _, err := c.Incr(ctx(t), "forever", 1); err != nil {
		t.Fatal(err)
	}
	s.wantTTL(t, "incr:1:forever", NoExpiry)

	// A counter a Django service wrote (decimal text) is incremented, and
	// what this cache writes Django reads as an integer.
	if s.tg.Server != nil {
		s.serverSet(t, "incr:1:dj", "41")
		if n, err := c.Incr(ctx(t), "dj", 1); err != nil || n != 42 {
			t.Errorf("Incr on a Django counter = %d, %v; want 42", n, err)
		}
		s.wantStored(t, "incr:1:dj", "42")
	}

	mustSet(t, c, "text", "abc")
	if _, err := c.Incr(ctx(t), "text", 1); !errors.Is(err, cache.ErrNotInteger) {
		t.Errorf("Incr on text = %v, want ErrNotInteger", err)
	}
	s.wantGet(t, c, "text", str("abc"))

	mustSet(t, c, "low", "2")
	n, err := c.Incr(ctx(t), "low", -5)
	want := int64(-3)
	if s.tg.Family == Memcached {
		want = 0 // memcached's decr stops at 0
	}
	if err != nil || n != want {
		t.Errorf("Incr(2, -5) = %d, %v; want %d on %s", n, err, want, s.tg.Family)
	}
}

// incrAtomic: concurrent increments all count, and an increment racing a
// delete never creates the key (a check-then-increment would leave a key
// without expiry behind).
func (s *suite) incrAtomic(t *testing.T) {
	c := s.open(t, "key_prefix=atomic")
	mustSet(t, c, "n", "0", ttl(100))
	var wg sync.WaitGroup
	const workers, each = 8, 25
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := c.Incr(context.Background(), "n", 1); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	s.wantGet(t, c, "n", str(strconv.Itoa(workers*each)))
	s.wantTTL(t, "atomic:1:n", 100*time.Second)

	for i := range 100 {
		k := "race" + strconv.Itoa(i%10)
		mustSet(t, c, k, "1", ttl(100))
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); _, _ = c.Delete(context.Background(), k) }()
		go func() {
			defer wg.Done()
			if _, err := c.Incr(context.Background(), k, 1); err != nil && !errors.Is(err, cache.ErrNotFound) {
				t.Error(err)
			}
		}()
		wg.Wait()
		if s.tg.Server != nil {
			if d, ok, err := s.tg.Server.TTL(ctx(t), "atomic:1:"+k); err != nil || ok && d == NoExpiry {
				t.Fatalf("after Incr raced Delete, %q has TTL %v (%v): the increment created the key", k, d, err)
			}
		}
	}
}

// clear removes this cache's keys only: by prefix on redis (on every
// cluster node, never FLUSHDB), everything on memcached (flush_all, as
// Django), this cache's entries on locmem.
func (s *suite) clear(t *testing.T) {
	// A prefix with glob metacharacters: SCAN MATCH must not read them.
	c := s.open(t, "key_prefix="+url.QueryEscape("cl*[a]"))
	other := s.open(t, "key_prefix=cl")
	var made []string
	for i := range 60 {
		k := "k" + strconv.Itoa(i)
		mustSet(t, c, k, "v")
		made = append(made, c.MakeKey(k))
	}
	mustSet(t, other, "k", "kept")
	foreign := []string{"unrelated", "clxa:1:k", "cl*[a]x:1:k", "cl:1:foreign"}
	if s.tg.Server != nil {
		for _, k := range foreign {
			s.serverSet(t, k, "kept")
		}
		if len(s.tg.Nodes) > 0 {
			s.wantSpread(t, made)
		}
	}
	if err := c.Clear(ctx(t)); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	for i := range 60 {
		s.wantGet(t, c, "k"+strconv.Itoa(i), nil)
	}
	for _, k := range made {
		s.wantAbsent(t, k)
	}
	switch s.tg.Family {
	case Memcached: // flush_all, as Django's clear
		s.wantGet(t, other, "k", nil)
		for _, k := range foreign {
			s.wantAbsent(t, k)
		}
	case Redis, Locmem:
		s.wantGet(t, other, "k", str("kept"))
		for _, k := range foreign {
			s.wantStored(t, k, "kept")
		}
	}

	// With no key_prefix, Clear removes what default_key_func made (keys
	// starting with ":") and nothing else.
	c2 := s.open(t, "")
	mustSet(t, c2, "np", "v")
	if err := c2.Clear(ctx(t)); err != nil {
		t.Fatal(err)
	}
	s.wantGet(t, c2, "np", nil)
	s.wantAbsent(t, ":1:np")
	if s.tg.Family == Redis {
		s.wantStored(t, "unrelated", "kept")
	}
}

// wantSpread checks that the keys landed on more than one cluster node, so
// that Clear is tested on several.
func (s *suite) wantSpread(t *testing.T, keys []string) {
	t.Helper()
	on := 0
	for _, n := range s.tg.Nodes {
		for _, k := range keys {
			if _, ok, _ := n.Get(ctx(t), k); ok {
				on++
				break
			}
		}
	}
	if on < 2 {
		t.Errorf("the test keys are on %d of %d cluster nodes, want several", on, len(s.tg.Nodes))
	}
}

// memcachedKeys: on memcached a key longer than 250 bytes after making, or
// with a space or control character, is ErrInvalidKey for every operation,
// never a silent miss; other backends take any key.
func (s *suite) memcachedKeys(t *testing.T) {
	c := s.open(t, "key_prefix=mk")
	// "mk:1:" is 5 bytes.
	long := strings.Repeat("x", 246)
	fits := strings.Repeat("y", 245)
	bad := []string{"a b", "tab\tkey", "nl\nkey", "cr\rkey", "nul\x00key", "del\x7fkey", long}
	mustSet(t, c, fits, "v")
	s.wantGet(t, c, fits, str("v"))
	s.wantStored(t, "mk:1:"+fits, "v")
	ops := map[string]func(k string) error{
		"Get":        func(k string) error { _, err := c.Get(ctx(t), k); return err },
		"Set":        func(k string) error { return c.Set(ctx(t), k, []byte("v")) },
		"Add":        func(k string) error { _, err := c.Add(ctx(t), k, []byte("v")); return err },
		"Delete":     func(k string) error { _, err := c.Delete(ctx(t), k); return err },
		"Has":        func(k string) error { _, err := c.Has(ctx(t), k); return err },
		"Incr":       func(k string) error { _, err := c.Incr(ctx(t), k, 1); return err },
		"Touch":      func(k string) error { _, err := c.Touch(ctx(t), k); return err },
		"GetMany":    func(k string) error { _, err := c.GetMany(ctx(t), []string{"ok", k}); return err },
		"SetMany":    func(k string) error { return c.SetMany(ctx(t), map[string][]byte{"ok": nil, k: nil}) },
		"DeleteMany": func(k string) error { return c.DeleteMany(ctx(t), []string{"ok", k}) },
	}
	for _, k := range bad {
		for name, op := range ops {
			err := op(k)
			if s.tg.Family == Memcached {
				if !errors.Is(err, cache.ErrInvalidKey) {
					t.Errorf("%s(%.20q…) = %v, want ErrInvalidKey", name, k, err)
				}
			} else if err != nil && !errors.Is(err, cache.ErrNotFound) && !errors.Is(err, cache.ErrNotInteger) {
				t.Errorf("%s(%.20q…) = %v, want the key accepted on %s", name, k, err, s.tg.Family)
			}
		}
	}
	if s.tg.Family != Memcached {
		mustSet(t, c, "a b", "spaced")
		s.wantGet(t, c, "a b", str("spaced"))
		s.wantStored(t, "mk:1:a b", "spaced")
	}
}

// locmemCapacity: max_entries, least recently used evicted first.
func (s *suite) locmemCapacity(t *testing.T) {
	c := s.open(t, "max_entries=3")
	for _, k := range []string{"a", "b", "c"} {
		mustSet(t, c, k, k)
	}
	s.wantGet(t, c, "a", str("a")) // b is now the least recently used
	mustSet(t, c, "d", "d")
	s.wantGet(t, c, "b", nil)
	for _, k := range []string{"a", "c", "d"} {
		s.wantGet(t, c, k, str(k))
	}
	c1 := s.open(t, "max_entries=1")
	mustSet(t, c1, "x", "1")
	mustSet(t, c1, "y", "2")
	s.wantGet(t, c1, "x", nil)
	s.wantGet(t, c1, "y", str("2"))
}

// concurrent: many goroutines on shared keys (run with -race).
func (s *suite) concurrent(t *testing.T) {
	c := s.open(t, "key_prefix=conc")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bg := context.Background()
			for i := range 40 {
				k := "k" + strconv.Itoa(i%5)
				var err error
				switch (w + i) % 8 {
				case 0:
					err = c.Set(bg, k, []byte("v"))
				case 1:
					_, err = c.Get(bg, k)
				case 2:
					_, err = c.Add(bg, k, []byte("a"))
				case 3:
					_, err = c.Delete(bg, k)
				case 4:
					_, err = c.GetMany(bg, []string{k, "k9"})
				case 5:
					err = c.SetMany(bg, map[string][]byte{k: []byte("1"), "n" + k: []byte("2")})
				case 6:
					_, err = c.Touch(bg, k)
				case 7:
					_, err = c.Has(bg, k)
				}
				if err != nil && !errors.Is(err, cache.ErrNotFound) {
					errs <- fmt.Errorf("worker %d op %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// closeNoLeak: Close leaves no goroutine behind.
func (s *suite) closeNoLeak(t *testing.T) {
	if s.tg.NoLeakCheck {
		t.Skip("the caller runs targets in parallel")
	}
	before := runtime.NumGoroutine()
	for range 3 {
		c, err := cache.Open(context.Background(), s.tg.URL+sep(s.tg.URL)+"key_prefix=leak")
		if err != nil {
			t.Fatal(err)
		}
		bg := context.Background()
		_ = c.Set(bg, "k", []byte("v"))
		_, _ = c.Get(bg, "k")
		_, _ = c.GetMany(bg, []string{"k", "j"})
		_ = c.Clear(bg)
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	n := runtime.NumGoroutine()
	for i := 0; i < 100 && n > before; i++ {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	if n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before Open, %d after Close\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

func sep(u string) string {
	if strings.Contains(u, "?") {
		return "&"
	}
	return "?"
}

// decr: Django's decr(key, delta) is incr(key, -delta).
func (s *suite) decr(t *testing.T) {
	c := s.open(t, "key_prefix=decr")
	if n, err := c.Decr(ctx(t), "missing", 1); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Decr missing = %d, %v; want ErrNotFound", n, err)
	}
	s.wantAbsent(t, "decr:1:missing")
	if !s.stores() {
		return
	}
	mustSet(t, c, "n", "10", ttl(100))
	for _, step := range []struct{ delta, want int64 }{{3, 7}, {-5, 12}, {0, 12}} {
		n, err := c.Decr(ctx(t), "n", step.delta)
		if err != nil || n != step.want {
			t.Fatalf("Decr(%d) = %d, %v; want %d", step.delta, n, err, step.want)
		}
		want := strconv.FormatInt(step.want, 10)
		if s.tg.Family == Memcached && step.delta == 3 {
			// memcached's decr keeps the value's length: "10" - 3 is "7 "
			// (Django's int() reads it as 7, and so does incr).
			want += " "
		}
		s.wantStored(t, "decr:1:n", want)
	}
	s.wantTTL(t, "decr:1:n", 100*time.Second)
	want := int64(-8)
	if s.tg.Family == Memcached {
		want = 0 // memcached's decr stops at 0
	}
	if n, err := c.Decr(ctx(t), "n", 20); err != nil || n != want {
		t.Errorf("Decr(12, 20) = %d, %v; want %d on %s", n, err, want, s.tg.Family)
	}
	mustSet(t, c, "text", "abc")
	if _, err := c.Decr(ctx(t), "text", 1); !errors.Is(err, cache.ErrNotInteger) {
		t.Errorf("Decr on text = %v, want ErrNotInteger", err)
	}
}

// incrVersion: Django's incr_version/decr_version: the value moves to the
// new version with the default expiry, the old key is removed, the new
// version is returned; a missing key is ErrNotFound.
func (s *suite) incrVersion(t *testing.T) {
	c := s.open(t, "key_prefix=iv&timeout=200")
	if v, err := c.IncrVersion(ctx(t), "missing", 1); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("IncrVersion missing = %d, %v; want ErrNotFound", v, err)
	}
	if v, err := c.DecrVersion(ctx(t), "missing", 1); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("DecrVersion missing = %d, %v; want ErrNotFound", v, err)
	}
	if !s.stores() {
		return
	}
	mustSet(t, c, "k", "v1", ttl(50))
	v, err := c.IncrVersion(ctx(t), "k", 1)
	if err != nil || v != 2 {
		t.Fatalf("IncrVersion(k, 1) = %d, %v; want 2", v, err)
	}
	s.wantAbsent(t, "iv:1:k")
	s.wantStored(t, "iv:2:k", "v1")
	s.wantTTL(t, "iv:2:k", 200*time.Second) // Django's set: the default timeout
	s.wantGet(t, c, "k", nil)
	s.wantGet(t, c.Version(2), "k", str("v1"))

	v, err = c.Version(2).IncrVersion(ctx(t), "k", 5)
	if err != nil || v != 7 {
		t.Fatalf("Version(2).IncrVersion(k, 5) = %d, %v; want 7", v, err)
	}
	s.wantAbsent(t, "iv:2:k")
	s.wantStored(t, "iv:7:k", "v1")

	v, err = c.Version(7).DecrVersion(ctx(t), "k", 4)
	if err != nil || v != 3 {
		t.Fatalf("Version(7).DecrVersion(k, 4) = %d, %v; want 3", v, err)
	}
	s.wantAbsent(t, "iv:7:k")
	s.wantStored(t, "iv:3:k", "v1")
	s.wantGet(t, c.Version(3), "k", str("v1"))
}

// versionPerCall: a view of another version (Django's version= argument)
// makes its keys with that version for every operation, and leaves the
// other versions alone.
func (s *suite) versionPerCall(t *testing.T) {
	c := s.open(t, "key_prefix=vpc")
	v5 := c.Version(5)
	if got := v5.MakeKey("k"); got != "vpc:5:k" {
		t.Errorf("Version(5).MakeKey = %q, want vpc:5:k", got)
	}
	if v5.CurrentVersion() != 5 || c.CurrentVersion() != 1 || c.Version(1) != c {
		t.Errorf("versions: view %d, cache %d", v5.CurrentVersion(), c.CurrentVersion())
	}
	mustSet(t, c, "k", "one")
	mustSet(t, v5, "k", "five")
	s.wantGet(t, c, "k", str("one"))
	s.wantGet(t, v5, "k", str("five"))
	s.wantStored(t, "vpc:1:k", "one")
	s.wantStored(t, "vpc:5:k", "five")
	if ok, err := v5.Add(ctx(t), "a", []byte("x")); err != nil || !ok {
		t.Errorf("Version(5).Add = %v, %v", ok, err)
	}
	s.wantStored(t, "vpc:5:a", "x")
	s.wantAbsent(t, "vpc:1:a")
	if ok, err := v5.Has(ctx(t), "a"); err != nil || ok != s.stores() {
		t.Errorf("Version(5).Has = %v, %v", ok, err)
	}
	if ok, err := c.Has(ctx(t), "a"); err != nil || ok {
		t.Errorf("Has at version 1 = %v, %v; want false", ok, err)
	}
	if err := v5.SetMany(ctx(t), map[string][]byte{"m1": []byte("1"), "m2": []byte("2")}); err != nil {
		t.Fatal(err)
	}
	s.wantStored(t, "vpc:5:m1", "1")
	got, err := v5.GetMany(ctx(t), []string{"m1", "m2", "k"})
	if err != nil || s.stores() && (len(got) != 3 || string(got["k"]) != "five") {
		t.Errorf("Version(5).GetMany = %q, %v", got, err)
	}
	if got, _ := c.GetMany(ctx(t), []string{"m1", "m2"}); len(got) != 0 {
		t.Errorf("GetMany at version 1 = %q, want nothing", got)
	}
	mustSet(t, v5, "n", "1")
	if n, err := v5.Incr(ctx(t), "n", 2); s.stores() && (err != nil || n != 3) {
		t.Errorf("Version(5).Incr = %d, %v", n, err)
	}
	s.wantStored(t, "vpc:5:n", "3")
	if ok, err := v5.Touch(ctx(t), "n", ttl(40)); err != nil || ok != s.stores() {
		t.Errorf("Version(5).Touch = %v, %v", ok, err)
	}
	s.wantTTL(t, "vpc:5:n", 40*time.Second)
	if err := v5.DeleteMany(ctx(t), []string{"m1", "m2"}); err != nil {
		t.Fatal(err)
	}
	s.wantAbsent(t, "vpc:5:m1")
	if ok, err := v5.Delete(ctx(t), "k"); err != nil || ok != s.stores() {
		t.Errorf("Version(5).Delete = %v, %v", ok, err)
	}
	s.wantAbsent(t, "vpc:5:k")
	s.wantStored(t, "vpc:1:k", "one")
	v, err := v5.GetOrSet(ctx(t), "g", func(context.Context) ([]byte, error) { return []byte("filled"), nil })
	if err != nil || string(v) != "filled" {
		t.Errorf("Version(5).GetOrSet = %q, %v", v, err)
	}
	s.wantStored(t, "vpc:5:g", "filled")
	s.wantAbsent(t, "vpc:1:g")
}

// getOrSet: a hit returns the value without calling fill; a miss stores
// fill's value with Add and the call's expiry; when another writer stored
// first, that value wins (Django's get after add).
func (s *suite) getOrSet(t *testing.T) {
	c := s.open(t, "key_prefix=gos")
	calls := 0
	fill := func(v string) func(context.Context) ([]byte, error) {
		return func(context.Context) ([]byte, error) { calls++; return []byte(v), nil }
	}
	v, err := c.GetOrSet(ctx(t), "k", fill("first"), ttl(70))
	if err != nil || string(v) != "first" || calls != 1 {
		t.Fatalf("GetOrSet on a miss = %q, %v (%d fills); want first, 1 fill", v, err, calls)
	}
	s.wantStored(t, "gos:1:k", "first")
	s.wantTTL(t, "gos:1:k", 70*time.Second)
	v, err = c.GetOrSet(ctx(t), "k", fill("second"))
	want := "first"
	if !s.stores() {
		want = "second"
	}
	if err != nil || string(v) != want {
		t.Errorf("GetOrSet on a hit = %q, %v; want %q", v, err, want)
	}
	if s.stores() && calls != 1 {
		t.Errorf("GetOrSet on a hit called fill")
	}
	// Another writer stores while fill runs: its value is returned and kept.
	v, err = c.GetOrSet(ctx(t), "race", func(ctx context.Context) ([]byte, error) {
		mustSet(t, c, "race", "theirs")
		return []byte("mine"), nil
	})
	want = "theirs"
	if !s.stores() {
		want = "mine"
	}
	if err != nil || string(v) != want {
		t.Errorf("GetOrSet racing a Set = %q, %v; want %q", v, err, want)
	}
	if s.stores() {
		s.wantStored(t, "gos:1:race", "theirs")
	}
	// A 0 expiry stores nothing; the fill's value is returned.
	v, err = c.GetOrSet(ctx(t), "zero", fill("z"), ttl(0))
	if err != nil || string(v) != "z" {
		t.Errorf("GetOrSet with a 0 expiry = %q, %v", v, err)
	}
	s.wantAbsent(t, "gos:1:zero")
	// The value returned is the caller's: changing it changes no entry.
	v, _ = c.GetOrSet(ctx(t), "own", fill("abc"))
	if len(v) > 0 {
		v[0] = 'X'
	}
	if s.stores() {
		s.wantGet(t, c, "own", str("abc"))
	}
}

// getOrSetOneFill: 50 concurrent callers missing one key share one fill
// and all get its value.
func (s *suite) getOrSetOneFill(t *testing.T) {
	c := s.open(t, "key_prefix=gos1")
	var fills atomic.Int32
	release := make(chan struct{})
	fill := func(context.Context) ([]byte, error) {
		fills.Add(1)
		<-release
		return []byte("shared"), nil
	}
	const callers = 50
	var wg sync.WaitGroup
	var started sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			v, err := c.GetOrSet(ctx(t), "k", fill)
			if err == nil && string(v) != "shared" {
				err = fmt.Errorf("got %q", v)
			}
			errs <- err
		}()
	}
	started.Wait()
	// Let every caller miss and join before the fill returns.
	time.Sleep(200 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := fills.Load(); n != 1 {
		t.Errorf("%d concurrent GetOrSet on one missing key called fill %d times, want 1", callers, n)
	}
	s.wantStored(t, "gos1:1:k", "shared")
}

// getOrSetFillError: a fill error reaches every waiting caller, as it is,
// and nothing is stored.
func (s *suite) getOrSetFillError(t *testing.T) {
	c := s.open(t, "key_prefix=gose")
	boom := errors.New("the database is down")
	release := make(chan struct{})
	var fills atomic.Int32
	fill := func(context.Context) ([]byte, error) {
		fills.Add(1)
		<-release
		return nil, boom
	}
	// A caller that arrives after the fill failed starts a fill of its own
	// (nothing was stored), so the fill is released only once every caller
	// has had ample time to miss and join: many times one round trip.
	start := time.Now()
	if _, err := c.Get(ctx(t), "rtt"); !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("Get of a missing key = %v", err)
	}
	wait := max(200*time.Millisecond, 50*time.Since(start))
	var wg, started sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			_, err := c.GetOrSet(ctx(t), "k", fill)
			errs <- err
		}()
	}
	started.Wait()
	time.Sleep(wait)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, boom) {
			t.Errorf("GetOrSet with a failing fill = %v, want the fill's error", err)
		}
	}
	if n := fills.Load(); n != 1 {
		t.Errorf("fill called %d times, want 1", n)
	}
	s.wantGet(t, c, "k", nil)
	s.wantAbsent(t, "gose:1:k")
	// A panicking fill is an error, not a crash.
	if _, err := c.GetOrSet(ctx(t), "p", func(context.Context) ([]byte, error) { panic("oops") }); err == nil || !strings.Contains(err.Error(), "oops") {
		t.Errorf("GetOrSet with a panicking fill = %v", err)
	}
}

// getOrSetCallerDeadline: a waiting caller whose context ends returns at
// once with its context's error; the others still get the value; the fill's
// context is cancelled only when every caller has left.
func (s *suite) getOrSetCallerDeadline(t *testing.T) {
	c := s.open(t, "key_prefix=gosd")
	release := make(chan struct{})
	fillCtx := make(chan context.Context, 1)
	fill := func(ctx context.Context) ([]byte, error) {
		fillCtx <- ctx
		<-release
		return []byte("late"), nil
	}
	patient := make(chan error, 1)
	go func() {
		v, err := c.GetOrSet(ctx(t), "k", fill)
		if err == nil && string(v) != "late" {
			err = fmt.Errorf("got %q", v)
		}
		patient <- err
	}()
	fctx := <-fillCtx
	short, cancel := context.WithTimeout(ctx(t), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetOrSet(short, "k", fill)
	if took := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || took > time.Second {
		t.Errorf("a waiting caller with a 50 ms deadline: %v after %v", err, took)
	}
	if fctx.Err() != nil {
		t.Error("the fill's context ended while a caller still waits")
	}
	close(release)
	if err := <-patient; err != nil {
		t.Errorf("the patient caller: %v", err)
	}

	// When every caller has left, the fill's context is cancelled.
	gone := make(chan struct{})
	c2ctx, cancel2 := context.WithCancel(ctx(t))
	go func() {
		_, _ = c.GetOrSet(c2ctx, "k2", func(ctx context.Context) ([]byte, error) {
			fillCtx <- ctx
			<-ctx.Done()
			close(gone)
			return nil, ctx.Err()
		})
	}()
	<-fillCtx
	cancel2()
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Error("the fill's context was not cancelled when its only caller left")
	}
	s.wantAbsent(t, "gosd:1:k2")
}

// getOrSetFillLock: with WithFillLock, two caches (two processes, as far
// as the in-process sharing goes) missing one key call one fill between
// them; the lock key is gone afterwards.
func (s *suite) getOrSetFillLock(t *testing.T) {
	if !s.stores() || s.tg.Family == Locmem {
		t.Skip("no store shared between two caches (locmem is one store per cache, dummy stores nothing)")
	}
	a := s.open(t, "key_prefix=gosl")
	b := s.open(t, "key_prefix=gosl")
	var fills atomic.Int32
	fill := func(context.Context) ([]byte, error) {
		fills.Add(1)
		time.Sleep(150 * time.Millisecond)
		return []byte("once"), nil
	}
	var wg sync.WaitGroup
	for _, c := range []*cache.Cache{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.GetOrSet(ctx(t), "k", fill, cache.WithFillLock(5*time.Second))
			if err != nil || string(v) != "once" {
				t.Errorf("GetOrSet with a fill lock = %q, %v", v, err)
			}
		}()
	}
	wg.Wait()
	if n := fills.Load(); n != 1 {
		t.Errorf("two caches with a fill lock called fill %d times, want 1", n)
	}
	s.wantStored(t, "gosl:1:k", "once")
	s.wantAbsent(t, "gosl:1:k:fill-lock")
}

// batchCommands: the batches are native on the server, counted by INFO
// commandstats: GetMany of 100 keys is one MGET (one per hash slot on a
// cluster) and no GET; SetMany is one MULTI/EXEC of SETs (pipelined SETs
// on a cluster); DeleteMany one DEL (per slot on a cluster).
func (s *suite) batchCommands(t *testing.T) {
	st, ok := s.tg.Server.(CommandStats)
	if !ok {
		t.Skip("the target's server view does not count commands")
	}
	c := s.open(t, "key_prefix=batch")
	keys := make([]string, 100)
	items := map[string][]byte{}
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
		items[keys[i]] = []byte(strconv.Itoa(i))
	}
	slots, err := st.Slots(ctx(t), c, keys)
	if err != nil {
		t.Fatal(err)
	}
	count := func(f func()) map[string]int64 {
		t.Helper()
		if err := st.ResetStats(ctx(t)); err != nil {
			t.Fatal(err)
		}
		f()
		calls, err := st.Calls(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		return calls
	}
	calls := count(func() {
		if err := c.SetMany(ctx(t), items); err != nil {
			t.Fatal(err)
		}
	})
	if calls["set"] != 100 || slots == 1 && (calls["multi"] != 1 || calls["exec"] != 1) {
		t.Errorf("SetMany of 100 keys: commands %v; want 100 SET in one MULTI/EXEC (pipelined on a cluster)", calls)
	}
	calls = count(func() {
		got, err := c.GetMany(ctx(t), keys)
		if err != nil || len(got) != 100 || string(got["k42"]) != "42" {
			t.Fatalf("GetMany = %d values, %v", len(got), err)
		}
	})
	if calls["mget"] != int64(slots) || calls["get"] != 0 {
		t.Errorf("GetMany of 100 keys over %d hash slots: commands %v; want %d MGET and no GET", slots, calls, slots)
	}
	calls = count(func() {
		if err := c.DeleteMany(ctx(t), keys); err != nil {
			t.Fatal(err)
		}
	})
	if calls["del"] != int64(slots) {
		t.Errorf("DeleteMany of 100 keys over %d hash slots: commands %v; want %d DEL", slots, calls, slots)
	}
	s.wantAbsent(t, c.MakeKey("k7"))
}
