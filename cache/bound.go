package cache

import "context"

// result is a call's outcome, handed from the goroutine that made it.
type result[T any] struct {
	v   T
	err error
}

// bound runs f, a call to a network client, and returns when f does or as
// soon as ctx is done (with ctx's error), whichever comes first: a client
// that does not watch the context's cancellation (go-redis, which sets
// the socket deadlines from the context's deadline only; gomemcache given
// with WithClient, which watches nothing) cannot hold the caller past the
// context. It costs a goroutine and a hand-over per call (a few µs on a
// loaded machine), so the drivers use it only where nothing cheaper
// bounds the call (see rbound and mcPool).
//
// A context that can never be done (context.Background) runs f in the
// caller's goroutine. Otherwise f runs in a goroutine of its own; when the
// caller leaves first, f goes on until the client ends it (the socket
// deadline: the context's on go-redis, the URL's socket_timeout on
// gomemcache), so the connection is either read to the end of its reply or
// closed by the client, never handed to another call with a reply still
// in it.
func bound[T any](ctx context.Context, f func() (T, error)) (T, error) {
	done := ctx.Done()
	if done == nil {
		return f()
	}
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	ch := make(chan result[T], 1)
	go func() {
		v, err := f()
		ch <- result[T]{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-done:
		select {
		case r := <-ch: // both ready: the answer wins
			return r.v, r.err
		default:
		}
		var zero T
		return zero, ctx.Err()
	}
}

// bound0 is bound for a call that returns only an error.
func bound0(ctx context.Context, f func() error) error {
	_, err := bound(ctx, func() (struct{}, error) { return struct{}{}, f() })
	return err
}
