package lru_test

import (
	"errors"
	"fmt"

	"github.com/cacheurl/cacheurl/cache/locmem"

	"github.com/cacheurl/cacheurl/clients/lru"
	"github.com/cacheurl/cacheurl/core"
)

func ExampleNew() {
	cfg, err := core.Parse("locmem://sessions?max_entries=2&timeout=600")
	if err != nil {
		panic(err)
	}
	cache, err := lru.New[string, []byte](cfg)
	if err != nil {
		panic(err)
	}
	cache.Add("a", []byte("1"))
	cache.Add("b", []byte("2"))
	cache.Add("c", []byte("3")) // over max_entries: "a" is evicted
	_, ok := cache.Get("a")
	v, _ := cache.Get("c")
	fmt.Println(ok, string(v), cache.Len())
	// The concrete type, for what Cache does not cover:
	_, isLRU := cache.(*locmem.LRU[string, []byte])
	fmt.Println(isLRU)
	// Output:
	// false 3 2
	// true
}

func ExampleNew_dummy() {
	// dummy:// is a cache that keeps nothing, like Django's DummyCache.
	cfg, _ := core.Parse("dummy://")
	cache, err := lru.New[string, int](cfg)
	cache.Add("k", 1)
	_, ok := cache.Get("k")
	fmt.Printf("%T %v %v\n", cache, ok, err)
	// Output: lru.Dummy[string,int] false <nil>
}

func ExampleNew_noGoClient() {
	cfg, _ := core.Parse("file:///var/tmp/django_cache")
	_, err := lru.New[string, []byte](cfg)
	fmt.Println(errors.Is(err, lru.ErrNoGoClient))
	fmt.Println(err)
	// Output:
	// true
	// lru: no Go client for this Django backend: file:// is Django's django.core.cache.backends.filebased.FileBasedCache, which cacheurl has no Go client for; use locmem:// (in-process), redis:// or memcached:// for a cache Go can use (in "file:///var/tmp/django_cache")
}

func ExampleNew_wrongBackend() {
	cfg, _ := core.Parse("redis://:secret@cache:6379/1")
	_, err := lru.New[string, []byte](cfg)
	fmt.Println(errors.Is(err, lru.ErrWrongBackend))
	fmt.Println(err)
	// Output:
	// true
	// lru: redis:// is a redis server, not an in-process cache: use the goredis client package (in "redis://:xxxxx@cache/1")
}

func ExampleParseSettings() {
	for _, u := range []string{
		"locmem://",                          // Django's defaults
		"locmem://?max_entries=1000&ttl=5m",  // 1000 entries of 5 minutes
		"locmem://?timeout=none",             // no expiry (TTL 0)
		"locmem://?timeout=0",                // expire at once: keeps nothing
		"dummy://",                           // keeps nothing
		"locmem://?max_entries=10&foo=1&x=2", // options are an error...
	} {
		cfg, _ := core.Parse(u)
		s, err := lru.ParseSettings(cfg)
		fmt.Printf("%-36s %+v %v\n", u, s, errors.Is(err, lru.ErrUnknownOption))
	}
	// Output:
	// locmem://                            {Noop:false MaxEntries:300 TTL:5m0s Ignored:[]} false
	// locmem://?max_entries=1000&ttl=5m    {Noop:false MaxEntries:1000 TTL:5m0s Ignored:[]} false
	// locmem://?timeout=none               {Noop:false MaxEntries:300 TTL:0s Ignored:[]} false
	// locmem://?timeout=0                  {Noop:true MaxEntries:0 TTL:0s Ignored:[]} false
	// dummy://                             {Noop:true MaxEntries:0 TTL:0s Ignored:[]} false
	// locmem://?max_entries=10&foo=1&x=2   {Noop:false MaxEntries:0 TTL:0s Ignored:[]} true
}

func ExampleAllowUnknownOptions() {
	cfg, _ := core.Parse("locmem://?max_entries=10&foo=1&x=2")
	s, err := lru.ParseSettings(cfg, lru.AllowUnknownOptions())
	fmt.Printf("%+v %v\n", s, err)
	// Output: {Noop:false MaxEntries:10 TTL:5m0s Ignored:[foo x]} <nil>
}

func ExampleDummy() {
	var cache lru.Cache[string, int] = lru.Dummy[string, int]{}
	cache.Add("k", 1)
	fmt.Println(cache.Len(), cache.Contains("k"))
	// Output: 0 false
}
