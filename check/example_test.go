package check_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cacheurl/cacheurl/check"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

func ExampleRun() {
	cfg, _ := core.Parse("locmem://sessions?max_entries=100")
	res, err := check.Run(context.Background(), cfg)
	fmt.Println(res.Backend, res.Target, res.Server, err)

	cfg, _ = core.Parse("file:///var/tmp/cache")
	_, err = check.Run(context.Background(), cfg)
	fmt.Println(errors.Is(err, clients.ErrNoGoClient), err)
	// Output:
	// locmem in-process in-process LRU (100 entries, TTL 5m0s) <nil>
	// true file:// is Django's FileBasedCache, which no Go client serves (in "file:///var/tmp/cache")
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
	fmt.Println(errors.Is(err, clients.ErrRefused), errors.Is(err, clients.ErrRefused), check.Retryable(err))
	cfg, _ = core.Parse("redis://127.0.0.1:1/0?pool_sise=3")
	_, err = check.Run(context.Background(), cfg)
	fmt.Println(errors.Is(err, check.ErrConfig), check.Retryable(err))
	// Output:
	// true true true
	// true false
}
