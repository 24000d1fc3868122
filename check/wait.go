package check

import (
	"context"
	"errors"
	"time"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

// Backoff bounds of [Wait]: the first retry comes after MinBackoff, each
// next one after twice as long, at most MaxBackoff.
const (
	MinBackoff = 100 * time.Millisecond
	MaxBackoff = 2 * time.Second
)

// Attempt describes a failed attempt of [Wait], before it sleeps.
type Attempt struct {
	// N is the attempt's number, from 1.
	N int
	// Err is why it failed (an *Error).
	Err error
	// Delay is how long Wait sleeps before the next attempt.
	Delay time.Duration
}

// OnRetry makes [Wait] call f after every failed attempt it will retry.
func OnRetry(f func(Attempt)) Option { return func(o *options) { o.onRetry = f } }

// Retryable reports whether waiting can fix a failed check: the server is
// not up yet (refused, no answer, a name not yet in DNS, the connection
// closed, another failure) or is still loading its data. A wrong password,
// a bad URL, a TLS or protocol mismatch are not retried: they need a
// change.
func Retryable(err error) bool {
	for _, k := range []*core.Kind{clients.ErrRefused, clients.ErrTimeout, clients.ErrResolve, clients.ErrClosed, clients.ErrFailed, clients.ErrLoading} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// Wait checks cfg until the check succeeds, fails in a way waiting cannot
// fix (see [Retryable]), or ctx ends; the last error is returned. Each
// attempt is bounded by attempt (or by what is left of ctx, if less); the
// attempts are spaced by exponential backoff from [MinBackoff] to
// [MaxBackoff]. The Result's Attempts says how many were made. Without a
// deadline in ctx, Wait waits as long as it takes.
func Wait(ctx context.Context, cfg core.Config, attempt time.Duration, opts ...Option) (Result, error) {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if attempt <= 0 {
		attempt = DefaultTimeout
	}
	delay := MinBackoff
	for n := 1; ; n++ {
		actx, cancel := context.WithTimeout(ctx, attempt)
		res, err := runOnce(actx, cfg, o)
		cancel()
		res.Attempts = n
		if err == nil || !Retryable(err) || ctx.Err() != nil {
			return res, err
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			// No time for another attempt: report this one.
			return res, err
		}
		if o.onRetry != nil {
			o.onRetry(Attempt{N: n, Err: err, Delay: delay})
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return res, err
		case <-t.C:
		}
		delay = min(2*delay, MaxBackoff)
	}
}
