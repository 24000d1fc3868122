package cache_test

import (
	"testing"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/cache/cachetest"
)

// The conformance suite's locmem target against the ttlcache candidate
// (cache/locmem_ttlcache_test.go).
func TestConformanceLocmemTTLCache(t *testing.T) {
	defer cache.SetLocmemTTLCache()()
	cachetest.Run(t, cachetest.Target{URL: "locmem://", Kind: cachetest.Locmem})
}
