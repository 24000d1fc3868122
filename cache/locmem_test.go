package cache

import (
	"context"
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
		var l *locmem.LRU[LocmemKey, []byte]
		if !c.As(&l) {
			t.Fatal("As(*locmem.LRU) = false")
		}
		start := time.Now()
		if err := c.Set(ctx, "k", []byte("v"), tc.opts...); err != nil {
			t.Fatal(err)
		}
		l.Compute(LocmemKey{":1:", "k"}, func(_ []byte, d time.Time, found bool) ([]byte, time.Time, locmem.Op) {
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
