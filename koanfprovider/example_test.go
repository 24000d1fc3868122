package koanfprovider_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

// Load one URL string and look at the keys it gives.
func ExampleProvider() {
	k := koanf.New(".")
	url := "redis://:s3cr3t@cache:6379/1?key_prefix=app&timeout=300"
	if err := k.Load(koanfprovider.Provider(url, ".", koanfprovider.Opt{}), nil); err != nil {
		log.Fatal(err)
	}
	fmt.Print(k.Sprint())

	var cfg core.Config
	if err := k.Unmarshal("cache", &cfg); err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg) // printed forms are redacted
	// Output:
	// cache.backend -> redis
	// cache.db -> 1
	// cache.hosts -> [cache:6379]
	// cache.key_prefix -> app
	// cache.password -> s3cr3t
	// cache.scheme -> redis
	// cache.topology -> standalone
	// cache.ttl -> 300s
	// cache.url -> redis://:s3cr3t@cache:6379/1?key_prefix=app&timeout=300
	// redis://:xxxxx@cache/1?timeout=300&key_prefix=app
}

// CACHE_URL to a core.Config: Env, then Expand (which gives the default
// when CACHE_URL is unset). EnvironFunc stands in for the real environment
// here; leave it nil to read os.Environ.
func ExampleEnv() {
	k := koanf.New(".")
	opt := koanfprovider.Opt{EnvironFunc: func() []string {
		return []string{"CACHE_URL=memcached://mc1:11211,mc2:11211?timeout=60"}
	}}
	if err := k.Load(koanfprovider.Env(".", opt), nil); err != nil {
		log.Fatal(err)
	}
	if err := k.Load(koanfprovider.Expand(k, opt), nil); err != nil {
		log.Fatal(err)
	}
	var cfg core.Config
	if err := k.Unmarshal("cache", &cfg); err != nil {
		log.Fatal(err)
	}
	ttl, _ := cfg.TTL.Duration()
	fmt.Println(cfg.Backend, cfg.Hosts, ttl)
	// Output:
	// memcached [mc1:11211 mc2:11211] 1m0s
}

// An unset CACHE_URL contributes nothing; with no other source, Expand
// gives locmem://, as django-cache-url does. With Strict, unset is an
// error.
func ExampleEnv_strict() {
	unset := func() []string { return nil }

	k := koanf.New(".")
	if err := k.Load(koanfprovider.Env(".", koanfprovider.Opt{EnvironFunc: unset}), nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(k.Exists("cache"))
	if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(k.String("cache.scheme"), k.String("cache.backend"))

	err := k.Load(koanfprovider.Env(".", koanfprovider.Opt{Strict: true, EnvironFunc: unset}), nil)
	fmt.Println(errors.Is(err, core.ErrNotSet))
	fmt.Println(err)
	// Output:
	// false
	// locmem locmem
	// true
	// koanfprovider: cache (not_set): cacheurl: CACHE_URL environment variable is not set
}

// Named caches: CACHE_URL is caches.default, SESSIONS_CACHE_URL is
// caches.sessions.
func ExampleEnv_named() {
	k := koanf.New(".")
	opt := koanfprovider.Opt{Named: true, EnvironFunc: func() []string {
		return []string{
			"CACHE_URL=redis://cache:6379/0",
			"SESSIONS_CACHE_URL=memcached://mc:11211",
		}
	}}
	if err := k.Load(koanfprovider.Env(".", opt), nil); err != nil {
		log.Fatal(err)
	}
	var caches map[string]core.Config
	if err := k.Unmarshal("caches", &caches); err != nil {
		log.Fatal(err)
	}
	fmt.Println(caches["default"])
	fmt.Println(caches["sessions"])
	// Output:
	// redis://cache/0
	// memcached://mc:11211
}

// A YAML file with cache.url and an explicit ttl (testdata/config.yaml):
//
//	cache:
//	  url: redis://cache:6379/1?key_prefix=app&timeout=300
//	  ttl: 60s
//
// The explicit ttl wins over the URL's timeout.
func ExampleExpand() {
	k := koanf.New(".")
	if err := k.Load(file.Provider("testdata/config.yaml"), yaml.Parser()); err != nil {
		log.Fatal(err)
	}
	if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil); err != nil {
		log.Fatal(err)
	}
	var cfg core.Config
	if err := k.Unmarshal("cache", &cfg); err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg)
	fmt.Println(k.String("cache.url"))
	// Output:
	// redis://cache/1?timeout=60&key_prefix=app
	// redis://cache:6379/1?key_prefix=app&timeout=300
}

// Named caches in YAML (testdata/caches.yaml), each a URL string or a map
// with a url key:
//
//	caches:
//	  default: redis://cache:6379/0
//	  sessions:
//	    url: memcached://mc1:11211,mc2:11211
//	    key_prefix: sessions
func ExampleExpand_named() {
	k := koanf.New(".")
	if err := k.Load(file.Provider("testdata/caches.yaml"), yaml.Parser()); err != nil {
		log.Fatal(err)
	}
	if err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{Named: true}), nil); err != nil {
		log.Fatal(err)
	}
	for _, name := range k.MapKeys("caches") {
		var cfg core.Config
		if err := k.Unmarshal("caches."+name, &cfg); err != nil {
			log.Fatal(err)
		}
		fmt.Println(name, cfg)
	}
	// Output:
	// default redis://cache/0
	// sessions memcached://mc1:11211,mc2:11211?key_prefix=sessions
}

// Errors name the key and the kind, never the password, and match core's
// kinds with errors.Is.
func ExampleError() {
	k := koanf.New(".")
	if err := k.Set("cache.url", "redis://:s3cr3t@cache:0/1"); err != nil {
		log.Fatal(err)
	}
	err := k.Load(koanfprovider.Expand(k, koanfprovider.Opt{}), nil)
	fmt.Println(err)

	var kerr *koanfprovider.Error
	if errors.As(err, &kerr) {
		fmt.Println(kerr.Key, errors.Is(err, core.ErrInvalidPort))
	}
	// Output:
	// koanfprovider: cache.url (invalid_port): cacheurl: port "0" must be a number from 1 to 65535 (in "redis://:xxxxx@cache:0/1")
	// cache.url true
}
