package locmemcandidates

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/cache/locmem"
)

// The ttlcache candidate against the semantics of cache/locmem's own tests
// (LRU order, a deadline per entry, Compute), on the real clock: ttlcache
// reads time.Now and takes no clock.
func TestTTLStoreLRUOrder(t *testing.T) {
	l, err := newTTLStore[string, int](3, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []string{"a", "b", "c"} {
		if l.Add(k, i) {
			t.Fatalf("Add(%s) evicted below capacity", k)
		}
	}
	l.Get("a")          // order: b c a
	if !l.Add("d", 3) { // evicts b
		t.Fatal("Add over capacity did not report an eviction")
	}
	if got := l.Keys(); !slices.Equal(got, []string{"c", "a", "d"}) {
		t.Fatalf("Keys = %v, want [c a d]", got)
	}
	if v, ok := l.Peek("c"); !ok || v != 2 { // does not mark c used
		t.Fatalf("Peek(c) = %d %v", v, ok)
	}
	if k, _, _ := l.GetOldest(); k != "c" {
		t.Fatalf("GetOldest = %s, want c", k)
	}
	if n := l.Resize(1); n != 2 || l.Len() != 1 {
		t.Fatalf("Resize(1) evicted %d, Len %d", n, l.Len())
	}
	if got := l.Keys(); !slices.Equal(got, []string{"d"}) {
		t.Fatalf("after Resize(1) Keys = %v, want [d]", got)
	}
	if n := l.Resize(0); n != 0 {
		t.Fatalf("Resize(0) evicted %d", n)
	}
	for i := range 10 {
		l.Add(string(rune('e'+i)), i)
	}
	if l.Len() != 11 {
		t.Fatalf("unlimited after Resize(0): Len %d, want 11", l.Len())
	}
	if _, err := newTTLStore[string, int](0, 0); err != locmem.ErrSize {
		t.Errorf("size 0: %v, want ErrSize", err)
	}
}

func TestTTLStoreDeadlines(t *testing.T) {
	const tick = 50 * time.Millisecond
	l, _ := newTTLStore[string, int](10, 4*tick)
	now := time.Now()
	l.Add("default", 1)                             // 4 ticks
	l.AddUntil("own", 2, now.Add(tick))             // 1 tick
	l.AddUntil("never", 3, time.Time{})             // no expiry
	l.AddUntil("old", 4, now.Add(-time.Nanosecond)) // already expired
	if l.Contains("old") {
		t.Error("an entry past its deadline is present")
	}
	time.Sleep(2 * tick)
	if _, ok := l.Get("own"); ok {
		t.Error("own: present after its deadline")
	}
	for range 5 { // reads do not extend the expiry
		if v, ok := l.Get("default"); !ok || v != 1 {
			t.Error("default: gone before the store's TTL")
		}
	}
	time.Sleep(3 * tick)
	if l.Contains("default") {
		t.Error("default: present after the store's TTL (a read extended it?)")
	}
	if got := l.Keys(); !slices.Equal(got, []string{"never"}) {
		t.Errorf("Keys = %v, want [never]", got)
	}
	if got := l.Values(); !slices.Equal(got, []int{3}) {
		t.Errorf("Values = %v, want [3]", got)
	}
	if l.Len() != 1 {
		t.Errorf("Len = %d, want 1", l.Len())
	}
	l.AddUntil("x", 5, time.Now().Add(tick))
	time.Sleep(2 * tick)
	if k, v, ok := l.RemoveOldest(); !ok || k != "never" || v != 3 {
		t.Errorf("RemoveOldest = %s %d %v, want never 3", k, v, ok)
	}
	if _, _, ok := l.RemoveOldest(); ok {
		t.Error("RemoveOldest returned an expired entry")
	}
	if l.Remove("x") {
		t.Error("Remove reported an expired entry")
	}
}

func TestTTLStoreCompute(t *testing.T) {
	before := runtime.NumGoroutine()
	l, _ := newTTLStore[string, int](10, 0)
	d := time.Now().Add(time.Minute)
	l.Compute("k", func(old int, dl time.Time, found bool) (int, time.Time, locmem.Op) {
		if found {
			t.Error("found an absent key")
		}
		return 1, d, locmem.Write
	})
	var dk time.Time
	l.Compute("k", func(old int, dl time.Time, found bool) (int, time.Time, locmem.Op) {
		// ttlcache stores a TTL, so the deadline is d within the time
		// between the two calls.
		if !found || old != 1 || dl.Before(d) || dl.After(d.Add(time.Second)) {
			t.Errorf("Compute sees %d %v %v, want 1 ~%v true", old, dl, found, d)
		}
		dk = dl
		return 2, dl, locmem.Write // keep the deadline
	})
	l.Compute("k", func(old int, dl time.Time, found bool) (int, time.Time, locmem.Op) {
		if !dl.Equal(dk) {
			t.Errorf("a Write with the same deadline moved it: %v, want %v", dl, dk)
		}
		return 99, dl, locmem.Keep
	})
	if v, _ := l.Get("k"); v != 2 {
		t.Errorf("Keep changed the value to %d", v)
	}
	l.Compute("k", func(int, time.Time, bool) (int, time.Time, locmem.Op) { return 0, time.Time{}, locmem.Delete })
	if l.Contains("k") || l.Len() != 0 {
		t.Error("Delete left the entry")
	}
	l.Compute("gone", func(int, time.Time, bool) (int, time.Time, locmem.Op) {
		return 1, time.Now().Add(-time.Second), locmem.Write // a past deadline removes
	})
	if l.Contains("gone") || l.Len() != 0 {
		t.Error("a Write with a past deadline stored the entry")
	}
	// Atomic: concurrent increments all count.
	l.AddUntil("n", 0, time.Time{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				l.Compute("n", func(old int, dl time.Time, _ bool) (int, time.Time, locmem.Op) { return old + 1, dl, locmem.Write })
				l.Get("n")
			}
		}()
	}
	wg.Wait()
	if v, _ := l.Get("n"); v != 800 {
		t.Errorf("800 concurrent increments = %d", v)
	}
	l.Purge()
	if l.Len() != 0 {
		t.Error("Purge left entries")
	}
	n := runtime.NumGoroutine()
	for i := 0; i < 50 && n > before; i++ {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	if n > before {
		t.Errorf("goroutines: %d before, %d after (ttlcache started one?)", before, n)
	}
}
