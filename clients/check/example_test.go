package check_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cacheurl/cacheurl/clients/check"
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
	// locmem in-process in-process LRU (golang-lru/v2 expirable) <nil>
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
