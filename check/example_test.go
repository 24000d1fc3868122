package check_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cacheurl/cacheurl/check"
	"github.com/cacheurl/cacheurl/core"
)

func ExampleRun() {
	cfg, _ := core.Parse("locmem://sessions?max_entries=100")
	res, err := check.Run(context.Background(), cfg)
	fmt.Println(res.Backend, res.Target, res.Server, err)

	cfg, _ = core.Parse("file:///var/tmp/cache")
	_, err = check.Run(context.Background(), cfg)
	fmt.Println(errors.Is(err, check.ErrNoClient))
	// Output:
	// locmem in-process in-process LRU (100 entries, TTL 5m0s) <nil>
	// true
}

func ExampleResult_Describe() {
	res := check.Result{
		URL: "redis://:xxxxx@cache/1", Backend: core.BackendRedis, Topology: core.Standalone,
		Target: "cache:6379 db 1", Server: "redis 7.0.15",
		Connect: 1200 * time.Microsecond, RoundTrip: 310 * time.Microsecond,
	}
	fmt.Print(res.Describe())
	// Output:
	// url:         redis://:xxxxx@cache/1
	// backend:     redis (standalone)
	// address:     cache:6379 db 1
	// server:      redis 7.0.15
	// connect:     1.2ms
	// round trip:  310µs (set, get, delete of a random key)
}

func ExampleWait() {
	// Wait until the cache answers, for at most 30 seconds, each attempt
	// bounded by 2 seconds (an init container's job).
	cfg, _ := core.Parse("locmem://")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := check.Wait(ctx, cfg, 2*time.Second, check.OnRetry(func(a check.Attempt) {
		fmt.Printf("attempt %d: %v; retrying in %v\n", a.N, a.Err, a.Delay)
	}))
	fmt.Println(res.Server, res.Attempts, err)
	// Output:
	// in-process LRU (300 entries, TTL 5m0s) 1 <nil>
}

func ExampleRetryable() {
	cfg, _ := core.Parse("redis://127.0.0.1:1/0")
	_, err := check.Run(context.Background(), cfg)
	fmt.Println(errors.Is(err, check.ErrRefused), check.Retryable(err))
	cfg, _ = core.Parse("redis://127.0.0.1:1/0?pool_sise=3")
	_, err = check.Run(context.Background(), cfg)
	fmt.Println(errors.Is(err, check.ErrConfig), check.Retryable(err))
	// Output:
	// true true
	// true false
}
