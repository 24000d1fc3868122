package locmemcandidates

import (
	"sync"
	"time"

	"github.com/jellydator/ttlcache/v3"

	"github.com/cacheurl/cacheurl/cache/locmem"
)

// ttlStore is the candidate store on jellydator/ttlcache/v3
// (BenchmarkLocmemCandidates, impl=driver=ttlcache): the methods of locmem.LRU on a
// ttlcache.Cache with WithCapacity (the least recently used entry is
// evicted, Get moves an entry to the front), WithDisableTouchOnHit (a read
// never extends an entry's expiry) and a TTL per entry; Start is never
// called, so there is no goroutine. One mutex of its own around every call
// makes Compute atomic (ttlcache has no read-modify-write).
type ttlStore[K comparable, V any] struct {
	mu  sync.Mutex
	c   *ttlcache.Cache[K, V]
	ttl time.Duration
}

func newTTLStore[K comparable, V any](size int, ttl time.Duration) (*ttlStore[K, V], error) {
	if size < 1 {
		return nil, locmem.ErrSize
	}
	return &ttlStore[K, V]{c: newTTLCache[K, V](uint64(size)), ttl: ttl}, nil
}

func newTTLCache[K comparable, V any](capacity uint64) *ttlcache.Cache[K, V] {
	return ttlcache.New(
		ttlcache.WithCapacity[K, V](capacity),
		ttlcache.WithDisableTouchOnHit[K, V]())
}

// ttlUntil is ttlcache's TTL for a deadline (the zero time: NoTTL); live is
// false when the deadline has passed (ttlcache reads a TTL of 0 or below
// as "never").
func ttlUntil(deadline time.Time) (ttl time.Duration, live bool) {
	if deadline.IsZero() {
		return ttlcache.NoTTL, true
	}
	ttl = time.Until(deadline)
	return ttl, ttl > 0
}

// set stores an entry and reports an eviction (ttlcache counts them in its
// metrics; s.mu is held, so the difference is this Set's).
func (s *ttlStore[K, V]) set(key K, value V, deadline time.Time) bool {
	ttl, live := ttlUntil(deadline)
	if !live {
		s.c.Delete(key)
		return false
	}
	before := s.c.Metrics().Evictions
	s.c.Set(key, value, ttl)
	return s.c.Metrics().Evictions != before
}

func (s *ttlStore[K, V]) Add(key K, value V) bool {
	var deadline time.Time
	if s.ttl > 0 {
		deadline = time.Now().Add(s.ttl)
	}
	return s.AddUntil(key, value, deadline)
}

func (s *ttlStore[K, V]) AddUntil(key K, value V, deadline time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.set(key, value, deadline)
}

func (s *ttlStore[K, V]) Get(key K) (value V, ok bool) {
	s.mu.Lock()
	it := s.c.Get(key)
	s.mu.Unlock()
	if it == nil {
		return value, false
	}
	return it.Value(), true
}

// oldest calls f with the entries that have not expired, least recently
// used first, until it returns false. s.mu is held.
func (s *ttlStore[K, V]) oldest(f func(*ttlcache.Item[K, V]) bool) {
	s.c.RangeBackwards(f)
}

// Peek is Get without marking the entry used: ttlcache has no such read,
// so it walks the entries (O(n)).
func (s *ttlStore[K, V]) Peek(key K) (value V, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.c.Has(key) {
		return value, false
	}
	s.oldest(func(it *ttlcache.Item[K, V]) bool {
		if it.Key() == key {
			value, ok = it.Value(), true
			return false
		}
		return true
	})
	return value, ok
}

func (s *ttlStore[K, V]) Contains(key K) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.Has(key)
}

func (s *ttlStore[K, V]) Remove(key K) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.c.Has(key)
	s.c.Delete(key) // an expired entry too
	return ok
}

func (s *ttlStore[K, V]) GetOldest() (key K, value V, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oldest(func(it *ttlcache.Item[K, V]) bool {
		key, value, ok = it.Key(), it.Value(), true
		return false
	})
	return key, value, ok
}

func (s *ttlStore[K, V]) RemoveOldest() (key K, value V, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oldest(func(it *ttlcache.Item[K, V]) bool {
		key, value, ok = it.Key(), it.Value(), true
		return false
	})
	if ok {
		s.c.Delete(key)
	}
	return key, value, ok
}

func (s *ttlStore[K, V]) Keys() []K {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []K{}
	s.oldest(func(it *ttlcache.Item[K, V]) bool { out = append(out, it.Key()); return true })
	return out
}

func (s *ttlStore[K, V]) Values() []V {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []V{}
	s.oldest(func(it *ttlcache.Item[K, V]) bool { out = append(out, it.Value()); return true })
	return out
}

// Len returns the number of entries that have not expired (expired ones
// are removed first).
func (s *ttlStore[K, V]) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.c.DeleteExpired()
	return s.c.Len()
}

// Resize rebuilds the cache with the new capacity (ttlcache's is fixed at
// New), oldest entry first, each keeping its deadline.
func (s *ttlStore[K, V]) Resize(size int) (evicted int) {
	if size < 1 {
		size = 0 // ttlcache: unlimited
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := newTTLCache[K, V](uint64(size))
	s.oldest(func(it *ttlcache.Item[K, V]) bool {
		ttl := ttlcache.NoTTL
		if it.TTL() > 0 {
			if ttl = time.Until(it.ExpiresAt()); ttl <= 0 {
				return true
			}
		}
		n.Set(it.Key(), it.Value(), ttl)
		return true
	})
	s.c = n
	return int(n.Metrics().Evictions)
}

func (s *ttlStore[K, V]) Purge() {
	s.mu.Lock()
	s.c.DeleteAll()
	s.mu.Unlock()
}

func (s *ttlStore[K, V]) Compute(key K, f func(old V, deadline time.Time, found bool) (V, time.Time, locmem.Op)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var old V
	var dl time.Time
	it := s.c.Get(key)
	found := it != nil
	if found {
		old, dl = it.Value(), it.ExpiresAt()
	}
	v, d, op := f(old, dl, found)
	switch op {
	case locmem.Write:
		if found && d.Equal(dl) {
			s.c.Set(key, v, ttlcache.PreviousOrDefaultTTL) // the deadline exactly
			return
		}
		s.set(key, v, d)
	case locmem.Delete:
		s.c.Delete(key)
	}
}
