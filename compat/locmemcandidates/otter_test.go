package locmemcandidates

import (
	"fmt"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/cacheurl/cacheurl/cache/locmem"
)

// neverTTL stands for "no expiry" in otter, which wants a duration: a
// century ("an excessively long period", in otter's words).
const neverTTL = 100 * 365 * 24 * time.Hour

// otterStore is the candidate store on otter/v2 (impl=driver=otter):
// per-entry expiry through an ExpiryCalculator that reads each entry's own
// deadline, Compute through otter's Compute. otter evicts by frequency as
// well as recency (W-TinyLFU) and may exceed its maximum until its
// maintenance runs.
type otterStore struct {
	c *otter.Cache[string, otterEntry]
}

type otterEntry struct {
	v        []byte
	deadline time.Time // zero: never
}

func (e otterEntry) ttl() time.Duration {
	if e.deadline.IsZero() {
		return neverTTL
	}
	return max(time.Until(e.deadline), time.Nanosecond)
}

type otterExpiry struct{}

func (otterExpiry) ExpireAfterCreate(e otter.Entry[string, otterEntry]) time.Duration {
	return e.Value.ttl()
}

func (otterExpiry) ExpireAfterUpdate(e otter.Entry[string, otterEntry], _ otterEntry) time.Duration {
	return e.Value.ttl()
}

func (otterExpiry) ExpireAfterRead(e otter.Entry[string, otterEntry]) time.Duration {
	return e.ExpiresAfter()
}

func newOtterStore(n int) (*otterStore, error) {
	c, err := otter.New(&otter.Options[string, otterEntry]{MaximumSize: n, ExpiryCalculator: otterExpiry{}})
	if err != nil {
		return nil, fmt.Errorf("otter: capacity %d: %w", n, err)
	}
	return &otterStore{c: c}, nil
}

func (s *otterStore) Get(key string) ([]byte, bool) {
	e, ok := s.c.GetIfPresent(key)
	return e.v, ok
}

func (s *otterStore) AddUntil(key string, v []byte, deadline time.Time) bool {
	if !deadline.IsZero() && !time.Now().Before(deadline) {
		s.c.Invalidate(key)
		return false
	}
	s.c.Set(key, otterEntry{v, deadline})
	return false // otter evicts later, in its maintenance
}

func (s *otterStore) Contains(key string) bool {
	_, ok := s.c.GetIfPresent(key)
	return ok
}

func (s *otterStore) Remove(key string) bool {
	existed := false
	s.c.Compute(key, func(old otterEntry, found bool) (otterEntry, otter.ComputeOp) {
		existed = found
		if !found {
			return old, otter.CancelOp
		}
		return old, otter.InvalidateOp
	})
	return existed
}

func (s *otterStore) Compute(key string, f func(old []byte, deadline time.Time, found bool) ([]byte, time.Time, locmem.Op)) {
	s.c.Compute(key, func(old otterEntry, found bool) (otterEntry, otter.ComputeOp) {
		v, d, op := f(old.v, old.deadline, found)
		switch op {
		case locmem.Write:
			if !d.IsZero() && !time.Now().Before(d) {
				return old, otter.InvalidateOp
			}
			return otterEntry{v, d}, otter.WriteOp
		case locmem.Delete:
			return old, otter.InvalidateOp
		}
		return old, otter.CancelOp
	})
}

func (s *otterStore) Purge() { s.c.InvalidateAll() }
