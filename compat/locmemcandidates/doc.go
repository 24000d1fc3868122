// Package locmemcandidates keeps the measurements that chose the store of
// cacheurl's locmem:// cache (cache/locmem, golang-lru/v2's simplelru with a
// deadline per entry) over the candidates: otter/v2 and
// jellydator/ttlcache/v3, each made to offer the methods the locmem driver
// uses of cache/locmem (Get, AddUntil, Contains, Remove, Compute, Purge).
// Its tests check the candidates' semantics against cache/locmem's
// (TestLocmemCandidates: writing 2N keys into a capacity of N keeps the N
// newest; the ttlcache store passes cache/locmem's own LRU, deadline and
// Compute checks) and BenchmarkLocmemCandidates measures them side by side
// with the locmem driver and the libraries used directly:
//
//	cd compat && go test ./locmemcandidates -run '^$' -bench . -benchmem -count 5
//
// It lives in the compat module so that the main module does not require
// otter or ttlcache; it has no API.
package locmemcandidates
