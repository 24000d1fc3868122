package cache_test

import (
	"context"
	"testing"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/cache/cachetest"
	"github.com/cacheurl/cacheurl/cache/locmem"
)

// The conformance suite's locmem target against the ttlcache candidate
// (cache/locmem_ttlcache_test.go).
func TestConformanceLocmemTTLCache(t *testing.T) {
	defer cache.SetLocmemTTLCache()()
	c, err := cache.Open(context.Background(), "locmem://")
	if err != nil {
		t.Fatal(err)
	}
	var l *locmem.LRU[string, []byte]
	if c.As(&l) {
		t.Fatal("locmem:// opened the driver, not the ttlcache candidate")
	}
	_ = c.Close()
	cachetest.Run(t, cachetest.Target{URL: "locmem://", Kind: cachetest.Locmem})
}
