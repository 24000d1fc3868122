package cache

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/cache/locmem"
	"github.com/cacheurl/cacheurl/core"
)

// The locmem driver stores the expiry as a deadline per entry: 300 s when
// the URL has none, the URL's timeout, the call's, none for never.
func TestLocmemDeadline(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		url  string
		opts []SetOption
		want time.Duration // 0: never
	}{
		{"locmem://", nil, 300 * time.Second},
		{"locmem://?timeout=60", nil, 60 * time.Second},
		{"locmem://?timeout=60", []SetOption{WithTTL(core.TTLSeconds(7))}, 7 * time.Second},
		{"locmem://?timeout=none", nil, 0},
		{"locmem://", []SetOption{WithTTL(core.NeverExpire)}, 0},
	} {
		c, err := Open(ctx, tc.url)
		if err != nil {
			t.Fatal(err)
		}
		var l *locmem.LRU[string, []byte]
		if !c.As(&l) {
			t.Fatal("As(*locmem.LRU) = false")
		}
		start := time.Now()
		if err := c.Set(ctx, "k", []byte("v"), tc.opts...); err != nil {
			t.Fatal(err)
		}
		l.Compute(":1:k", func(_ []byte, d time.Time, found bool) ([]byte, time.Time, locmem.Op) {
			switch {
			case !found:
				t.Errorf("%s: entry missing", tc.url)
			case tc.want == 0 && !d.IsZero():
				t.Errorf("%s: deadline %v, want none", tc.url, d)
			case tc.want != 0 && (d.Before(start.Add(tc.want)) || d.After(time.Now().Add(tc.want))):
				t.Errorf("%s: deadline in %v, want %v", tc.url, d.Sub(start), tc.want)
			}
			return nil, d, locmem.Keep
		})
		_ = c.Close()
	}
}

// TestLocmemCandidates records how the candidates for the driver behave
// (see docs/cache.md): with max_entries N, writing 2N keys must leave
// exactly the N most recently written (Django's LocMemCache's
// least-recently-used eviction), at once. It asserts this of the driver and
// of the ttlcache candidate and logs what otter does.
func TestLocmemCandidates(t *testing.T) {
	ctx := context.Background()
	for _, impl := range []string{"lru", "otter", "ttlcache"} {
		func() {
			defer setLocmem(impl)()
			for _, n := range []int{1, 3, 100} {
				c, err := Open(ctx, "locmem://?max_entries="+strconv.Itoa(n))
				if err != nil {
					t.Fatal(err)
				}
				for i := range 2 * n {
					_ = c.Set(ctx, strconv.Itoa(i), []byte("v"))
				}
				recent, older := 0, 0
				for i := range 2 * n {
					if ok, _ := c.Has(ctx, strconv.Itoa(i)); ok {
						if i >= n {
							recent++
						} else {
							older++
						}
					}
				}
				_ = c.Close()
				t.Logf("%s, max_entries=%d, %d keys written: %d of the %d newest kept, %d older kept", impl, n, 2*n, recent, n, older)
				if impl != "otter" && (recent != n || older != 0) {
					t.Errorf("%s: max_entries=%d: %d newest, %d older kept; want %d, 0", impl, n, recent, older, n)
				}
			}
		}()
	}
}
