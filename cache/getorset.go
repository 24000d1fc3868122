package cache

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// GetOrSet returns the value of key; on a miss it calls fill, stores what
// fill returns with Add (opts give the expiry, as for Set) and returns the
// value then stored, as Django's get_or_set: when another writer stored a
// value first, that value is returned (Django's get after add).
//
// Concurrent callers in this process that miss the same key (the same made
// key: prefix, version and key) share one fill: the first starts it, the
// others wait for its result, each for as long as its own context allows
// (a caller whose context ends gets its context's error at once, the fill
// goes on for the others). A fill error is returned to every waiting
// caller as it is, and nothing is stored.
//
// The fill's context: fill runs in a goroutine of its own, with a context
// that carries the values of the first caller's context
// (context.WithoutCancel) but not its deadline, and that is cancelled when
// every caller waiting for the fill has given up. A fill that still returns
// a value after that stores it. A fill that panics is an error for its
// callers (the panic value in its message); the process does not crash.
//
// The sharing is per process (per *Cache and its views). Other processes
// that miss the same key at the same moment each call their own fill, as
// Django's get_or_set does; see [WithFillLock] for a guard across
// processes.
func (c *Cache) GetOrSet(ctx context.Context, key string, fill func(context.Context) ([]byte, error), opts ...SetOption) ([]byte, error) {
	k, err := c.makeKey(key)
	if err != nil {
		return nil, err
	}
	v, err := c.d.get(ctx, k)
	if err == nil {
		return v, nil
	}
	if err != ErrNotFound {
		return nil, c.fail(ctx, "get_or_set", err)
	}
	f, fctx := c.flights.join(ctx, k.made())
	if fctx != nil {
		go c.fly(fctx, k, f, fill, opts)
	}
	select {
	case <-f.done:
		c.flights.leave(f)
		if f.err != nil {
			return nil, f.err
		}
		return clone(f.val), nil
	case <-ctx.Done():
		c.flights.leave(f)
		return nil, c.fail(ctx, "get_or_set", ctx.Err())
	}
}

// fly runs one fill for the callers waiting on f.
func (c *Cache) fly(ctx context.Context, k key, f *flight, fill func(context.Context) ([]byte, error), opts []SetOption) {
	defer func() {
		if r := recover(); r != nil {
			f.val, f.err = nil, fmt.Errorf("cache: GetOrSet %q: the fill panicked: %v", truncate(k.Name), r)
		}
		f.cancel()
		c.flights.finish(f)
	}()
	// Another process, or a flight that ended just before this one began,
	// may have stored the value since the caller's miss.
	if v, err := c.d.get(ctx, k); err == nil {
		f.val = v
		return
	}
	lock, err := c.lockFill(ctx, k, opts)
	if err != nil {
		f.err = err
		return
	}
	if lock.waited {
		// Another process held the lock: it may have stored the value
		// before this one took the lock over.
		if v, err := c.d.get(ctx, k); err == nil {
			lock.release(ctx)
			f.val = v
			return
		}
	}
	v, err := fill(ctx)
	if err != nil {
		lock.release(ctx)
		f.err = err
		return
	}
	if _, err := c.add(ctx, k, v, opts); err != nil {
		lock.release(ctx)
		f.err = c.fail(ctx, "get_or_set", err)
		return
	}
	lock.release(ctx)
	switch got, err := c.d.get(ctx, k); {
	case err == nil:
		f.val = got
	case err == ErrNotFound: // stored nothing (a 0 expiry, dummy): the fill's value
		f.val = v
	default:
		f.err = c.fail(ctx, "get_or_set", err)
	}
}

// flights are the fills in progress, by made key.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

// flight is one fill and the callers waiting for it.
type flight struct {
	id      string
	done    chan struct{} // closed when val and err are set
	val     []byte
	err     error
	waiters int                // callers still waiting (under flights.mu)
	cancel  context.CancelFunc // cancels the fill's context
	over    bool               // finished (under flights.mu)
}

// join returns the flight for id. When there is none it starts one and
// returns the context its fill runs with (nil for a caller that joins a
// flight in progress).
func (fs *flights) join(ctx context.Context, id string) (*flight, context.Context) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f := fs.m[id]; f != nil {
		f.waiters++
		return f, nil
	}
	if fs.m == nil {
		fs.m = make(map[string]*flight)
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &flight{id: id, done: make(chan struct{}), waiters: 1, cancel: cancel}
	fs.m[id] = f
	return f, fctx
}

// leave is a caller done waiting; the last one to give up before the fill
// ends cancels its context.
func (fs *flights) leave(f *flight) {
	fs.mu.Lock()
	f.waiters--
	last := f.waiters == 0 && !f.over
	fs.mu.Unlock()
	if last {
		f.cancel()
	}
}

// finish publishes f's result; later callers start a new flight (and
// first read the value f stored).
func (fs *flights) finish(f *flight) {
	fs.mu.Lock()
	f.over = true
	if fs.m[f.id] == f {
		delete(fs.m, f.id)
	}
	fs.mu.Unlock()
	close(f.done)
}

// WithFillLock makes GetOrSet guard its fill across processes: before
// calling fill, the process that fills adds a lock key ("<made key>:fill-lock",
// stored for ttl, at least one second) with Add, which only one process can
// do; another process that misses the same key meanwhile does not call its
// fill but polls (every 20 ms) until the value is there, or the lock is gone
// (the filler failed: it then tries to take the lock itself), or its callers
// give up. The lock is deleted once the value is stored; ttl bounds how long
// a filler that died holds it. It costs an Add and a Delete per fill, and
// works on every backend whose Add is atomic on the server (redis SET NX,
// memcached add); on locmem it adds nothing to the in-process sharing.
// Other writes ignore it.
func WithFillLock(ttl time.Duration) SetOption {
	return func(o *setOptions) { o.lock = max(ttl, time.Second) }
}

// fillLock is a lock WithFillLock took (or waited for).
type fillLock struct {
	c      *Cache
	k      key
	held   bool
	waited bool // another process held it: the value may be there now
}

func (l fillLock) release(ctx context.Context) {
	if l.held {
		_, _ = l.c.d.delete(ctx, l.k)
	}
}

// lockFillPoll is how often a process waiting for another's fill looks.
const lockFillPoll = 20 * time.Millisecond

// lockFill takes the fill lock of k when opts ask for one.
func (c *Cache) lockFill(ctx context.Context, k key, opts []SetOption) (fillLock, error) {
	var o setOptions
	for _, f := range opts {
		f(&o)
	}
	if o.lock == 0 {
		return fillLock{}, nil
	}
	l := fillLock{c: c, k: key{Prefix: k.Prefix, Name: k.Name + ":fill-lock"}}
	if err := c.d.validKey(l.k); err != nil {
		return l, err
	}
	e := expiry{secs: int64((o.lock + time.Second - 1) / time.Second)}
	for {
		ok, err := c.d.add(ctx, l.k, []byte("1"), e)
		if err != nil {
			return l, c.fail(ctx, "get_or_set", err)
		}
		if ok {
			l.held = true
			return l, nil
		}
		l.waited = true
		for {
			t := time.NewTimer(lockFillPoll)
			select {
			case <-ctx.Done():
				t.Stop()
				return l, c.fail(ctx, "get_or_set", ctx.Err())
			case <-t.C:
			}
			if _, err := c.d.get(ctx, k); err == nil {
				return l, nil // the other process stored it
			}
			if held, err := c.d.has(ctx, l.k); err == nil && !held {
				break // the other process gave up: try to take the lock
			}
		}
	}
}
