// Package locmem is the in-process store behind locmem:// (package cache's
// locmem driver, which its As gives): a fixed capacity, least-recently-used
// eviction and a deadline per entry, on golang-lru/v2's simplelru under one
// mutex, so it is safe for concurrent use and [LRU.Compute] is atomic.
//
// An expired entry is a miss: it is removed when it is read, or evicted as
// the least recently used one when the cache is full, so memory stays
// bounded by the capacity and no goroutine is ever started (nothing to
// close). Deadlines are kept on the monotonic clock, read once per call
// outside the lock. The choice of golang-lru over otter/v2 (which has
// per-entry expiry of its own, but evicts by frequency as well as recency
// and exceeds its maximum until its maintenance runs) and over
// jellydator/ttlcache/v3 (per-entry expiry and LRU eviction too, but a
// Set 2.5 to 3.5 times slower through the driver) is measured in
// docs/cache.md (the comparisons live in the compat module).
package locmem

import (
	"errors"
	"math"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// ErrSize is a capacity below 1.
var ErrSize = errors.New("locmem: the capacity must be at least 1")

// LRU is the store. Its methods are safe for concurrent use.
type LRU[K comparable, V any] struct {
	mu  sync.Mutex
	l   *simplelru.LRU[K, entry[V]]
	ttl time.Duration
	// now is a test's clock; nil reads the monotonic clock.
	now func() time.Time
}

type entry[V any] struct {
	v        V
	deadline int64 // nanoseconds since epoch (see clock); 0: never
}

// epoch is the origin of the deadlines: they are monotonic nanoseconds
// since the package was loaded, so reading the clock is one monotonic
// clock read (time.Since), cheaper than time.Now, and a wall-clock jump
// moves no deadline.
var epoch = time.Now()

// clock returns the current time in deadline units. Every method reads it
// before taking the lock.
func (c *LRU[K, V]) clock() int64 {
	if c.now != nil {
		return int64(c.now().Sub(epoch))
	}
	return int64(time.Since(epoch))
}

// New returns a store of size entries whose Add gives each entry ttl to
// live (0: no expiry). [LRU.AddUntil] sets a deadline per entry.
func New[K comparable, V any](size int, ttl time.Duration) (*LRU[K, V], error) {
	if size < 1 {
		return nil, ErrSize
	}
	l, err := simplelru.NewLRU[K, entry[V]](size, nil)
	if err != nil {
		return nil, err
	}
	return &LRU[K, V]{l: l, ttl: ttl}, nil
}

func expired[V any](e entry[V], now int64) bool {
	return e.deadline != 0 && now >= e.deadline
}

// live returns the entry if present and not expired at now, removing an
// expired one; peek does not mark it used. c.mu is held.
func (c *LRU[K, V]) live(key K, peek bool, now int64) (entry[V], bool) {
	var e entry[V]
	var ok bool
	if peek {
		e, ok = c.l.Peek(key)
	} else {
		e, ok = c.l.Get(key)
	}
	if ok && expired(e, now) {
		c.l.Remove(key)
		return entry[V]{}, false
	}
	return e, ok
}

// toDeadline converts a deadline (the zero time: never).
func toDeadline(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	if d := int64(t.Sub(epoch)); d != 0 {
		return d
	}
	return 1 // 0 means never
}

func toTime(d int64) time.Time {
	if d == 0 {
		return time.Time{}
	}
	return epoch.Add(time.Duration(d))
}

// Add adds or replaces an entry with the store's TTL, marks it most
// recently used, and reports whether the least recently used entry was
// evicted to make room.
func (c *LRU[K, V]) Add(key K, value V) (evicted bool) {
	return c.AddFor(key, value, c.ttl)
}

// AddFor is Add with the entry's own lifetime from now (0 or less: no
// expiry); it reads the clock once, before taking the lock.
func (c *LRU[K, V]) AddFor(key K, value V, ttl time.Duration) (evicted bool) {
	var d int64
	if ttl > 0 {
		d = c.clock() + int64(ttl)
	}
	c.mu.Lock()
	evicted = c.l.Add(key, entry[V]{v: value, deadline: d})
	c.mu.Unlock()
	return evicted
}

// AddUntil is Add with the entry's own deadline (the zero time: never).
func (c *LRU[K, V]) AddUntil(key K, value V, deadline time.Time) (evicted bool) {
	d := toDeadline(deadline)
	c.mu.Lock()
	evicted = c.l.Add(key, entry[V]{v: value, deadline: d})
	c.mu.Unlock()
	return evicted
}

// Get returns an entry that has not expired and marks it most recently
// used.
func (c *LRU[K, V]) Get(key K) (value V, ok bool) {
	now := c.clock()
	c.mu.Lock()
	e, ok := c.l.Get(key)
	if ok && e.deadline != 0 && now >= e.deadline {
		c.l.Remove(key)
		e, ok = entry[V]{}, false
	}
	c.mu.Unlock()
	return e.v, ok
}

// Peek is Get without marking the entry used.
func (c *LRU[K, V]) Peek(key K) (value V, ok bool) {
	now := c.clock()
	c.mu.Lock()
	e, ok := c.live(key, true, now)
	c.mu.Unlock()
	return e.v, ok
}

// Contains reports whether the key has an entry that has not expired,
// without marking it used.
func (c *LRU[K, V]) Contains(key K) bool {
	_, ok := c.Peek(key)
	return ok
}

// Remove deletes an entry and reports whether one that had not expired was
// there.
func (c *LRU[K, V]) Remove(key K) bool {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.live(key, true, now)
	c.l.Remove(key)
	return ok
}

// RemoveOldest removes the least recently used entry (expired ones are
// dropped on the way) and returns it.
func (c *LRU[K, V]) RemoveOldest() (key K, value V, ok bool) {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		k, e, ok := c.l.RemoveOldest()
		if !ok || !expired(e, now) {
			return k, e.v, ok
		}
	}
}

// GetOldest returns the least recently used entry that has not expired.
func (c *LRU[K, V]) GetOldest() (key K, value V, ok bool) {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		k, e, ok := c.l.GetOldest()
		if !ok || !expired(e, now) {
			return k, e.v, ok
		}
		c.l.Remove(k)
	}
}

// Keys returns the keys of the entries that have not expired, oldest
// first.
func (c *LRU[K, V]) Keys() []K {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]K, 0, c.l.Len())
	for _, k := range c.l.Keys() {
		if _, ok := c.live(k, true, now); ok {
			out = append(out, k)
		}
	}
	return out
}

// Values returns the values of the entries that have not expired, oldest
// first.
func (c *LRU[K, V]) Values() []V {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]V, 0, c.l.Len())
	for _, k := range c.l.Keys() {
		if e, ok := c.live(k, true, now); ok {
			out = append(out, e.v)
		}
	}
	return out
}

// Len returns the number of entries, expired ones not yet removed
// included.
func (c *LRU[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.l.Len()
}

// Resize changes the capacity (below 1: unlimited, as in golang-lru's
// expirable cache) and returns the number of entries evicted.
func (c *LRU[K, V]) Resize(size int) (evicted int) {
	if size < 1 {
		size = math.MaxInt
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.l.Resize(size)
}

// Purge removes every entry.
func (c *LRU[K, V]) Purge() {
	c.mu.Lock()
	c.l.Purge()
	c.mu.Unlock()
}

// Op is what a [LRU.Compute] function asks for.
type Op int

const (
	// Keep leaves the entry as it was (absent stays absent).
	Keep Op = iota
	// Write stores the returned value and deadline, most recently used.
	Write
	// Delete removes the entry.
	Delete
)

// Compute calls f with key's entry (found is false when it is absent or
// expired; its deadline is the zero time when it never expires) and does
// what f returns, atomically: no other method runs on the store meanwhile.
// f must not call the store.
func (c *LRU[K, V]) Compute(key K, f func(old V, deadline time.Time, found bool) (V, time.Time, Op)) {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, found := c.live(key, false, now)
	v, d, op := f(e.v, toTime(e.deadline), found)
	switch op {
	case Write:
		c.l.Add(key, entry[V]{v: v, deadline: toDeadline(d)})
	case Delete:
		c.l.Remove(key)
	}
}
