// Command cachedemo stores and reads back a key in the memcached that
// CACHE_URL names, through gomemcache.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/core"
)

func main() {
	log.SetFlags(0)
	cfg, err := core.FromEnv("", "") // $CACHE_URL, or locmem:// when unset
	if err != nil {
		log.Fatal(err)
	}
	settings, err := gomemcache.ParseSettings(cfg) // not memcached: an error saying what to use
	if err != nil {
		log.Fatal(err)
	}
	client, err := gomemcache.New(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	// The URL's timeout is the entries' TTL, not the socket timeout.
	exp, err := gomemcache.Expiration(cfg.TTL, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	err = client.Set(&memcache.Item{Key: "greeting", Value: []byte("hello"), Expiration: exp})
	if err != nil {
		log.Fatal(err)
	}
	item, err := client.Get("greeting")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("memcached %v: greeting=%s (expiration %d)\n", settings.Servers, item.Value, exp)
}
