package locmem

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTest(t *testing.T, size int, ttl time.Duration) (*LRU[string, int], *clock) {
	t.Helper()
	l, err := New[string, int](size, ttl)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{time.Unix(1_000_000, 0)}
	l.now = clk.now
	return l, clk
}

func TestSize(t *testing.T) {
	for _, n := range []int{0, -1} {
		if _, err := New[string, int](n, 0); !errors.Is(err, ErrSize) {
			t.Errorf("New(%d) = %v, want ErrSize", n, err)
		}
	}
}

func TestLRUOrder(t *testing.T) {
	l, _ := newTest(t, 3, 0)
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
	l.Peek("c") // does not mark c used
	if k, _, _ := l.GetOldest(); k != "c" {
		t.Fatalf("GetOldest = %s, want c", k)
	}
	if n := l.Resize(1); n != 2 || l.Len() != 1 {
		t.Fatalf("Resize(1) evicted %d, Len %d", n, l.Len())
	}
}

func TestDeadlines(t *testing.T) {
	l, clk := newTest(t, 10, 10*time.Second)
	l.Add("default", 1)                               // 10 s
	l.AddUntil("own", 2, clk.t.Add(time.Second))      // 1 s
	l.AddUntil("never", 3, time.Time{})               // no expiry
	l.AddUntil("old", 4, clk.t.Add(-time.Nanosecond)) // already expired
	if l.Contains("old") {
		t.Error("an entry past its deadline is present")
	}
	clk.t = clk.t.Add(time.Second)
	if _, ok := l.Get("own"); ok {
		t.Error("own: present at its deadline")
	}
	if v, ok := l.Get("default"); !ok || v != 1 {
		t.Error("default: gone before the store's TTL")
	}
	clk.t = clk.t.Add(9 * time.Second)
	if l.Contains("default") {
		t.Error("default: present after the store's TTL")
	}
	if got := l.Keys(); !slices.Equal(got, []string{"never"}) {
		t.Errorf("Keys = %v, want [never]", got)
	}
	if got := l.Values(); !slices.Equal(got, []int{3}) {
		t.Errorf("Values = %v, want [3]", got)
	}
	l.AddUntil("x", 5, clk.t.Add(time.Second))
	clk.t = clk.t.Add(time.Hour)
	if k, v, ok := l.RemoveOldest(); !ok || k != "never" || v != 3 {
		t.Errorf("RemoveOldest = %s %d %v, want never 3", k, v, ok)
	}
	if _, _, ok := l.RemoveOldest(); ok {
		t.Error("RemoveOldest returned an expired entry")
	}
}

func TestCompute(t *testing.T) {
	l, clk := newTest(t, 10, 0)
	d := clk.t.Add(time.Minute)
	l.Compute("k", func(old int, dl time.Time, found bool) (int, time.Time, Op) {
		if found {
			t.Error("found an absent key")
		}
		return 1, d, Write
	})
	l.Compute("k", func(old int, dl time.Time, found bool) (int, time.Time, Op) {
		if !found || old != 1 || !dl.Equal(d) {
			t.Errorf("Compute sees %d %v %v", old, dl, found)
		}
		return 99, dl, Keep
	})
	if v, _ := l.Get("k"); v != 1 {
		t.Errorf("Keep changed the value to %d", v)
	}
	l.Compute("k", func(int, time.Time, bool) (int, time.Time, Op) { return 0, time.Time{}, Delete })
	if l.Contains("k") || l.Len() != 0 {
		t.Error("Delete left the entry")
	}
	// Atomic: concurrent increments all count.
	l.AddUntil("n", 0, time.Time{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				l.Compute("n", func(old int, dl time.Time, _ bool) (int, time.Time, Op) { return old + 1, dl, Write })
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
}
