package goredis_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
)

// A Go service and a Django service read the same CACHE_URL: the Django
// settings (client_class, key_prefix, timeout) do not disturb the Go client,
// and the cache arguments stay available to the caller.
func Example() {
	cfg, err := core.Parse("redis://:s3cret@cache:6379/1?client_class=django_redis.client.DefaultClient&key_prefix=app&timeout=5m&pool_size=20")
	if err != nil {
		panic(err)
	}
	client, err := goredis.New(context.Background(), cfg)
	if err != nil {
		panic(err)
	}
	defer client.Close()

	ttl, _ := cfg.TTL.Duration()
	fmt.Println("connects to:", goredis.Describe(cfg))
	fmt.Println("pool size:", client.(*redis.Client).Options().PoolSize)
	fmt.Println("key prefix:", cfg.KeyPrefix, "ttl:", ttl)
	// client.Set(ctx, cfg.KeyPrefix+":"+key, value, ttl)
	// Output:
	// connects to: cache:6379 db 1
	// pool size: 20
	// key prefix: app ttl: 5m0s
}

func ExampleOpen() {
	client, err := goredis.Open(context.Background(), "rediss://alice:s3cret@cache.internal:6380/2?ssl_cert_reqs=required&dial_timeout=3")
	if err != nil {
		panic(err)
	}
	defer client.Close() // Open does not connect: the first command does.

	o := client.(*redis.Client).Options()
	fmt.Println(o.Addr, o.DB, o.Username, o.DialTimeout, o.TLSConfig.ServerName)
	// Output:
	// cache.internal:6380 2 alice 3s cache.internal
}

func ExampleOptions() {
	cfg, err := core.Parse("redis://:s3cret@cache:6380/3?dial_timeout=3&read_timeout=500ms&write_timeout=0&pool_size=20&max_retries=-1")
	if err != nil {
		panic(err)
	}
	o, err := goredis.Options(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println("network:", o.Network, "addr:", o.Addr, "db:", o.DB)
	fmt.Println("dial:", o.DialTimeout, "read:", o.ReadTimeout, "write:", o.WriteTimeout)
	fmt.Println("pool size:", o.PoolSize, "max retries:", o.MaxRetries)
	// Output:
	// network: tcp addr: cache:6380 db: 3
	// dial: 3s read: 500ms write: -1ns
	// pool size: 20 max retries: -1
}

// A unix socket URL has no userinfo: the password is an option.
func ExampleOptions_socket() {
	cfg, err := core.Parse("redis:///run/redis/redis.sock/2?password=s3cret")
	if err != nil {
		panic(err)
	}
	o, err := goredis.Options(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(o.Network, o.Addr, o.DB, o.Password != "")
	// Output:
	// unix /run/redis/redis.sock 2 true
}

// redis-py's TLS parameters work unchanged: a URL written for Django
// (Heroku's ssl_cert_reqs=none, say) gives the same TLS settings in Go.
func ExampleOptions_tls() {
	for _, url := range []string{
		"rediss://:pw@redis.example:6380/0",
		"rediss://:pw@redis.example:6380/0?ssl_cert_reqs=none",
		"valkeys://:pw@redis.example:6380/0?skip_verify=true",
	} {
		cfg, err := core.Parse(url)
		if err != nil {
			panic(err)
		}
		o, err := goredis.Options(cfg)
		if err != nil {
			panic(err)
		}
		fmt.Println(o.TLSConfig.ServerName, "verify:", !o.TLSConfig.InsecureSkipVerify)
	}
	// Output:
	// redis.example verify: true
	// redis.example verify: false
	// redis.example verify: false
}

func ExampleFailoverOptions() {
	cfg, err := core.Parse("redis+sentinel://:datapw@sentinel-1,sentinel-2:26380/mymaster/2?sentinel_password=sentpw")
	if err != nil {
		panic(err)
	}
	o, err := goredis.FailoverOptions(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println("master:", o.MasterName, "db:", o.DB)
	fmt.Println("sentinels:", o.SentinelAddrs)
	fmt.Println("data password set:", o.Password != "", "sentinel password set:", o.SentinelPassword != "")
	// Output:
	// master: mymaster db: 2
	// sentinels: [sentinel-1:26379 sentinel-2:26380]
	// data password set: true sentinel password set: true
}

func ExampleClusterOptions() {
	cfg, err := core.Parse("redis+cluster://node-1,node-2:7001,node-3:7002?read_only=true&max_redirects=5")
	if err != nil {
		panic(err)
	}
	o, err := goredis.ClusterOptions(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(o.Addrs, o.ReadOnly, o.MaxRedirects)
	// Output:
	// [node-1:6379 node-2:7001 node-3:7002] true 5
}

func ExampleUniversalOptions() {
	for _, url := range []string{
		"redis://cache:6379/1",
		"redis+sentinel://s1,s2/mymaster",
		"redis+cluster://n1,n2",
	} {
		cfg, err := core.Parse(url)
		if err != nil {
			panic(err)
		}
		o, err := goredis.UniversalOptions(cfg)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%v master=%q cluster=%v db=%d\n", o.Addrs, o.MasterName, o.IsClusterMode, o.DB)
	}
	// Output:
	// [cache:6379] master="" cluster=false db=1
	// [s1:26379 s2:26379] master="mymaster" cluster=false db=0
	// [n1:6379 n2:6379] master="" cluster=true db=0
}

func ExampleNew() {
	for _, url := range []string{
		"redis://cache:6379/0",
		"redis+sentinel://s1/mymaster",
		"redis+cluster://n1,n2,n3",
	} {
		cfg, err := core.Parse(url)
		if err != nil {
			panic(err)
		}
		client, err := goredis.New(context.Background(), cfg)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-30s %T\n", url, client)
		client.Close()
	}
	// Output:
	// redis://cache:6379/0           *redis.Client
	// redis+sentinel://s1/mymaster   *redis.Client
	// redis+cluster://n1,n2,n3       *redis.ClusterClient
}

// New checks the config before the context: a config error first, then a
// context that is already done.
func ExampleNew_context() {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := goredis.New(done, core.Config{Scheme: "redis", Hosts: []string{"cache:99999"}})
	fmt.Println(errors.Is(err, goredis.ErrInvalidConfig), errors.Is(err, core.ErrInvalidPort))
	_, err = goredis.New(done, core.Config{Scheme: "redis", Hosts: []string{"cache"}})
	fmt.Println(err)
	// Output:
	// true true
	// context canceled
}

func ExampleDescribe() {
	for _, url := range []string{
		"redis://:s3cret@cache:6380/2",
		"redis:///run/redis.sock/1?password=s3cret",
		"rediss+sentinel://s1,s2/mymaster/3",
		"redis+cluster://n1,n2:7001",
	} {
		cfg, err := core.Parse(url)
		if err != nil {
			panic(err)
		}
		fmt.Println(goredis.Describe(cfg))
	}
	// Output:
	// cache:6380 db 2
	// unix socket /run/redis.sock db 1
	// sentinel master mymaster via s1:26379, s2:26379 db 3 (TLS)
	// cluster seeds n1:6379, n2:7001
}

func ExampleIgnoredOptions() {
	list := goredis.IgnoredOptions()
	fmt.Println(len(list), "options, from", list[0], "to", list[len(list)-1])
	// Output:
	// 26 options, from client_class to ssl_check_hostname
}

func ExampleIsIgnored() {
	for _, name := range []string{"client_class", "max_connections", "pool_size", "pool_szie"} {
		fmt.Println(name, goredis.IsIgnored(name))
	}
	// Output:
	// client_class true
	// max_connections true
	// pool_size false
	// pool_szie false
}

func ExampleAllowUnknownOptions() {
	cfg, err := core.Parse("redis://cache/0?pool_size=5&myapp_shard=eu")
	if err != nil {
		panic(err)
	}
	_, err = goredis.Options(cfg)
	fmt.Println(err)

	o, err := goredis.Options(cfg, goredis.AllowUnknownOptions())
	fmt.Println(o.PoolSize, err)
	// Output:
	// goredis: unknown option myapp_shard: not a go-redis parameter, nor a Django-only one on the ignore list (check the spelling, or use AllowUnknownOptions)
	// 5 <nil>
}

func ExampleError() {
	for _, url := range []string{
		"redis://:s3cret@primary,replica/0",
		"redis://:s3cret@cache/0?pool_size=-5",
		"rediss://:s3cret@cache/0?ssl_cert_reqs=CERT_REQUIRED",
	} {
		cfg, err := core.Parse(url)
		if err != nil {
			panic(err)
		}
		_, err = goredis.New(context.Background(), cfg)
		var e *goredis.Error
		if errors.As(err, &e) {
			fmt.Printf("%v %q (invalid option: %v)\n", e.Kind, e.Options, errors.Is(err, goredis.ErrInvalidOption))
			fmt.Println(" ", err)
		}
	}
	// Output:
	// unsupported configuration [] (invalid option: false)
	//   goredis: redis:// with several hosts (primary:6379,replica:6379) is Django's primary + replicas list, which go-redis has no client for: for a Redis Cluster write redis+cluster://primary:6379,replica:6379, for Sentinel redis+sentinel://<sentinel hosts>/<master name>
	// invalid option ["pool_size"] (invalid option: true)
	//   goredis: option pool_size: want an integer from 0 to 2147483647, got -5
	// invalid option ["ssl_cert_reqs"] (invalid option: true)
	//   goredis: option ssl_cert_reqs: want none, optional or required, got "CERT_REQUIRED" (write required: redis-py takes the lower-case names only)
}

// NewFailoverClient is redis.NewFailoverClient without its lookup of the
// placeholder name "FailoverClient": it asks the Sentinels at every new
// connection. Here no Sentinel listens.
func ExampleNewFailoverClient() {
	c := goredis.NewFailoverClient(&redis.FailoverOptions{
		MasterName:    "mymaster",
		SentinelAddrs: []string{"127.0.0.1:1"},
		MaxRetries:    -1,
		DialerRetries: 1,
	})
	defer c.Close()
	err := c.Ping(context.Background()).Err()
	fmt.Println(strings.Contains(err.Error(), "all sentinels specified in configuration are unreachable"))
	// Output:
	// true
}

// ContextDeadlines turns on go-redis's ContextTimeoutEnabled, so a command
// ends at its context's deadline; a URL that sets context_timeout_enabled
// keeps its own choice.
func ExampleContextDeadlines() {
	for _, u := range []string{"redis://localhost/0", "redis://localhost/0?context_timeout_enabled=false"} {
		cfg, _ := core.Parse(u)
		o, _ := goredis.Options(cfg, goredis.ContextDeadlines())
		fmt.Println(o.ContextTimeoutEnabled)
	}
	// Output:
	// true
	// false
}
