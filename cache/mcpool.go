package cache

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
)

// mcPool gives each memcached call a gomemcache client of its own, so that
// the call's context can bound it without a goroutine: gomemcache takes no
// context and bounds a call by Client.Timeout alone, so the call's client
// gets Timeout = min(socket_timeout, time to the context's deadline), dials
// within the context, and, when the context is cancelled during the call
// (context.AfterFunc), has the deadline of its connections moved to the
// past, which ends the read or write at once. gomemcache closes a
// connection on such an error (it never returns one with a reply half
// read), so nothing of an abandoned call reaches a later one.
//
// The clients share the servers (one ServerList) and each keeps at most one
// idle connection per server; up to max_idle_conns clients (gomemcache's
// MaxIdleConns, 2 by default) are kept idle, as gomemcache keeps that many
// idle connections per server.
type mcPool struct {
	ss             memcache.ServerSelector
	timeout        time.Duration // socket_timeout
	connectTimeout time.Duration // connect_timeout, or 0 (then Timeout)
	maxIdle        int

	mu     sync.Mutex
	free   []*mcClient
	closed bool
}

// mcClient is one call's client and the connections it has open.
type mcClient struct {
	p *mcPool
	c *memcache.Client
	// ctx is the context of the call in progress (nil between calls); the
	// dialer reads it.
	ctx context.Context

	mu    sync.Mutex
	gen   uint64 // the call in progress; a late interrupt of an older one does nothing
	conns map[*mcConn]struct{}
}

func newMCPool(ss memcache.ServerSelector, timeout, connectTimeout time.Duration, maxIdle int) *mcPool {
	if timeout <= 0 {
		timeout = memcache.DefaultTimeout
	}
	if maxIdle <= 0 {
		maxIdle = memcache.DefaultMaxIdleConns
	}
	return &mcPool{ss: ss, timeout: timeout, connectTimeout: connectTimeout, maxIdle: maxIdle}
}

func (p *mcPool) get() *mcClient {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		cl := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return cl
	}
	p.mu.Unlock()
	cl := &mcClient{p: p, conns: map[*mcConn]struct{}{}}
	cl.c = memcache.NewFromSelector(p.ss)
	cl.c.MaxIdleConns = 1
	cl.c.DialContext = cl.dial
	return cl
}

func (p *mcPool) put(cl *mcClient) {
	p.mu.Lock()
	if !p.closed && len(p.free) < p.maxIdle {
		p.free = append(p.free, cl)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	_ = cl.c.Close()
}

func (p *mcPool) close() error {
	p.mu.Lock()
	free := p.free
	p.free, p.closed = nil, true
	p.mu.Unlock()
	var first error
	for _, cl := range free {
		if err := cl.c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// do runs f with a client bounded by ctx.
func (p *mcPool) do(ctx context.Context, f func(*memcache.Client) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t := p.timeout
	if d, ok := ctx.Deadline(); ok {
		left := time.Until(d)
		if left <= 0 {
			return context.DeadlineExceeded
		}
		t = min(t, left)
	}
	cl := p.get()
	cl.c.Timeout = t
	cl.ctx = ctx
	cl.mu.Lock()
	gen := cl.gen
	cl.mu.Unlock()
	var stop func() bool
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { cl.interrupt(gen) })
	}
	err := f(cl.c)
	if stop != nil {
		stop()
	}
	cl.mu.Lock()
	cl.gen++ // an interrupt still to come belongs to a call that is over
	cl.mu.Unlock()
	cl.ctx = nil
	p.put(cl)
	return err
}

// interrupt ends the I/O of call gen: its connections' deadline is moved
// to the past.
func (cl *mcClient) interrupt(gen uint64) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.gen != gen {
		return
	}
	for c := range cl.conns {
		_ = c.Conn.SetDeadline(time.Unix(1, 0))
	}
}

// dial connects within the call's context: connect_timeout when the URL
// has one (else the call's Timeout, which gomemcache's ctx carries), and
// never past the call's deadline or cancellation.
func (cl *mcClient) dial(gctx context.Context, network, addr string) (net.Conn, error) {
	ctx := cl.ctx
	if ctx == nil {
		ctx = gctx
	}
	var cancel context.CancelFunc
	if cl.p.connectTimeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, cl.p.connectTimeout)
	} else {
		ctx, cancel = context.WithTimeout(ctx, cl.c.Timeout)
	}
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c := &mcConn{Conn: conn, cl: cl}
	cl.mu.Lock()
	cl.conns[c] = struct{}{}
	cl.mu.Unlock()
	return c, nil
}

// mcConn is a connection its client knows of, to interrupt it.
type mcConn struct {
	net.Conn
	cl *mcClient
}

func (c *mcConn) Close() error {
	c.cl.mu.Lock()
	delete(c.cl.conns, c)
	c.cl.mu.Unlock()
	return c.Conn.Close()
}
