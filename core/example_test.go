package core_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/cacheurl/cacheurl/core"
)

func ExampleParse() {
	c, err := core.Parse("redis://:s3cret@cache:6379/1?key_prefix=app&timeout=5m&pool_size=20")
	if err != nil {
		panic(err)
	}
	ttl, _ := c.TTL.Duration()
	fmt.Println(c.Backend, c.Topology, c.Hosts, c.DB, ttl, c.KeyPrefix, c.Options["pool_size"])
	// Output: redis standalone [cache:6379] 1 5m0s app 20
}

func ExampleParse_memcached() {
	c, _ := core.Parse("memcached://a:11211,b")
	fmt.Printf("%s %q\n", c.Backend, c.Hosts)
	// Output: memcached ["a:11211" "b"]
}

func ExampleParse_sentinel() {
	c, _ := core.Parse("redis+sentinel://:pw@s1,s2:26380/mymaster/2")
	fmt.Println(c.Topology, c.Master, c.Hosts, c.DB)
	// Output: sentinel mymaster [s1:26379 s2:26380] 2
}

func ExampleParse_socket() {
	c, _ := core.Parse("redis:///run/redis/redis.sock/3")
	fmt.Println(c.Socket, c.DB)
	// Output: /run/redis/redis.sock 3
}

func ExampleFormat() {
	c, _ := core.Parse("REDIS://user:p@ss@Cache:6379/00?TTL=1.5m&version=02")
	fmt.Println(core.Format(c))
	// Output: redis://user:p%40ss@Cache/0?timeout=90&version=2
}

func ExampleConfig_Redacted() {
	c, _ := core.Parse("redis://alice:s3cret@cache/0?sentinel_password=x")
	fmt.Println(c.Redacted())
	fmt.Printf("%v\n", c)
	// Output:
	// redis://alice:xxxxx@cache/0?sentinel_password=xxxxx
	// redis://alice:xxxxx@cache/0?sentinel_password=xxxxx
}

func ExampleConfig_LogValue() {
	c, _ := core.Parse("redis://:s3cret@cache/0")
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	slog.New(h).Info("cache ready", "cache", c)
	// Output: level=INFO msg="cache ready" cache.url=redis://:xxxxx@cache/0 cache.backend=redis cache.topology=standalone cache.hosts=cache:6379
}

func ExampleConfig_MarshalJSON() {
	c, _ := core.Parse("rediss://:s3cret@cache/2?timeout=none&max_entries=100")
	out, _ := json.Marshal(c) // redacted by default; json.Marshal(core.Reveal(c)) keeps secrets
	fmt.Println(string(out))
	// Output: {"scheme":"rediss","backend":"redis","tls":true,"topology":"standalone","hosts":["cache:6379"],"password":"xxxxx","db":2,"ttl":"never","max_entries":100}
}

func ExampleConfig_Normalize() {
	c, err := core.Config{Scheme: "redis", Hosts: []string{"cache"}, DB: 2}.Normalize()
	fmt.Println(core.Format(c), c.Hosts, err)
	_, err = core.Config{Scheme: "locmem", Password: "x"}.Normalize()
	fmt.Println(errors.Is(err, core.ErrInvalidUserinfo))
	// Output:
	// redis://cache/2 [cache:6379] <nil>
	// true
}

func ExampleError() {
	_, err := core.Parse("redsi://:s3cret@cache:6379/0")
	fmt.Println(errors.Is(err, core.ErrUnknownScheme))
	fmt.Println(err)
	var pe *core.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Caret())
	}
	// Output:
	// true
	// cacheurl: unknown scheme "redsi" (did you mean "redis"?) (in "redsi://:xxxxx@cache:6379/0")
	// redsi://:xxxxx@cache:6379/0
	// ^^^^^
}

func ExampleError_password() {
	_, err := core.Parse("redis://:pa#ss@cache/0")
	fmt.Println(err)
	// Output: cacheurl: '#' in a password must be written %23 (in "redis://:xxxxx@cache/0")
}

func ExampleParseTTL() {
	for _, s := range []string{"300", "5m", "none", "1500ms"} {
		t, err := core.ParseTTL(s)
		fmt.Println(t, err != nil)
	}
	// Output:
	// 300s false
	// 300s false
	// never false
	//  true
}

func ExampleFromEnv() {
	os.Unsetenv("CACHE_URL")
	c, _ := core.FromEnv("", "")
	fmt.Println(core.Format(c))
	os.Setenv("CACHE_URL", "memcached://127.0.0.1:11211")
	c, _ = core.FromEnv("", "")
	fmt.Println(core.Format(c))
	os.Unsetenv("CACHE_URL")
	// Output:
	// locmem://
	// memcached://127.0.0.1:11211
}

func ExampleFromEnvStrict() {
	os.Unsetenv("CACHE_URL")
	_, err := core.FromEnvStrict("")
	fmt.Println(err, errors.Is(err, core.ErrNotSet))
	// Output: cacheurl: CACHE_URL environment variable is not set true
}

func ExampleNamedFromEnv() {
	caches, _ := core.NamedFromEnv([]string{
		"CACHE_URL=redis://cache/0",
		"SESSIONS_CACHE_URL=redis://cache/1?key_prefix=s",
	})
	fmt.Println(core.Format(caches["default"]))
	fmt.Println(core.Format(caches["sessions"]))
	// Output:
	// redis://cache/0
	// redis://cache/1?key_prefix=s
}

func ExampleSchemes() {
	n := 0
	for _, s := range core.Schemes() {
		if s.Backend == core.BackendMemcached {
			n++
		}
	}
	s, _ := core.LookupScheme("VALKEYS")
	fmt.Println(n, s.Name, s.TLS, s.DjangoScheme)
	// Output: 7 valkeys true rediss
}
