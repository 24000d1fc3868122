// Command corpusgen writes the benchmark corpus: a seeded, reproducible mix
// of CACHE_URLs covering every scheme family and topology, one per line.
//
//	go run ./internal/corpusgen -n 2400 -seed 1 > bench/testdata/corpus.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strings"
)

func main() {
	n := flag.Int("n", 2400, "number of URLs")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	r := rand.New(rand.NewSource(*seed))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for i := 0; i < *n; i++ {
		fmt.Fprintln(w, gen(r, i))
	}
}

var (
	hosts     = []string{"cache", "127.0.0.1", "redis-1.internal", "node-b.svc.cluster.local", "mc1", "10.0.0.7", "[::1]", "cache_1", "localhost"}
	names     = []string{"default", "sessions", "unique-snowflake", "my_cache_table", "django_cache"}
	dirs      = []string{"/var/tmp/django_cache", "/tmp/cache", "relative/dir", "/srv/app/cache%20dir"}
	prefixes  = []string{"app", "site1", "myapp.cache", "a%20b", "v2"}
	options   = []string{"pool_size=10", "dial_timeout=5s", "read_timeout=3s", "client_name=web", "max_retries=3", "client_class=django_redis.client.DefaultClient", "socket_timeout=5", "ssl_cert_reqs=none", "protocol=3", "min_idle_conns=2"}
	redisLike = []string{"redis", "redis", "redis", "rediss", "hiredis", "valkey", "valkeys", "rediscache"}
	memLike   = []string{"memcached", "pymemcache", "pymemcached", "djangopylibmc", "elasticache", "memcache", "pylibmc"}
)

func pick(r *rand.Rand, xs []string) string { return xs[r.Intn(len(xs))] }

func hostList(r *rand.Rand, n int, port func() string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(pick(r, hosts))
		b.WriteString(port())
	}
	return b.String()
}

func query(r *rand.Rand, redis bool) string {
	var qs []string
	if r.Intn(2) == 0 {
		qs = append(qs, "key_prefix="+pick(r, prefixes))
	}
	if r.Intn(2) == 0 {
		qs = append(qs, "timeout="+pick(r, []string{"300", "60", "5m", "none", "0", "86400"}))
	}
	if r.Intn(5) == 0 {
		qs = append(qs, fmt.Sprintf("version=%d", r.Intn(10)))
	}
	if r.Intn(6) == 0 {
		qs = append(qs, fmt.Sprintf("max_entries=%d", 1+r.Intn(5000)))
	}
	if redis && r.Intn(3) == 0 {
		qs = append(qs, pick(r, options))
	}
	if len(qs) == 0 {
		return ""
	}
	r.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return "?" + strings.Join(qs, "&")
}

func userinfo(r *rand.Rand) string {
	switch r.Intn(4) {
	case 0:
		return fmt.Sprintf(":s3cret%d@", r.Intn(1000))
	case 1:
		return fmt.Sprintf("app:p%%40ss%d@", r.Intn(1000))
	}
	return ""
}

func gen(r *rand.Rand, i int) string {
	port := func() string {
		if r.Intn(2) == 0 {
			return ""
		}
		return fmt.Sprintf(":%d", 6379+r.Intn(3))
	}
	switch k := r.Intn(100); {
	case k < 45: // redis standalone
		return fmt.Sprintf("%s://%s%s%s/%d%s", pick(r, redisLike), userinfo(r), pick(r, hosts), port(), r.Intn(16), query(r, true))
	case k < 50: // redis socket
		return fmt.Sprintf("redis:///run/redis/redis-server.sock/%d%s", r.Intn(16), query(r, true))
	case k < 55: // sentinel
		return fmt.Sprintf("redis+sentinel://%s%s/mymaster/%d%s", userinfo(r), hostList(r, 1+r.Intn(3), func() string { return ":26379" }), r.Intn(4), query(r, true))
	case k < 60: // cluster
		return fmt.Sprintf("redis+cluster://%s%s%s", userinfo(r), hostList(r, 3, port), query(r, true))
	case k < 80: // memcached
		scheme := pick(r, memLike)
		if scheme != "elasticache" && r.Intn(8) == 0 {
			return scheme + ":///run/memcached/memcached.sock" + query(r, false)
		}
		return scheme + "://" + hostList(r, 1+r.Intn(3), func() string {
			if r.Intn(3) == 0 {
				return ""
			}
			return ":11211"
		}) + query(r, false)
	case k < 88:
		return pick(r, []string{"locmem", "locmemcache"}) + "://" + pick(r, append(names, "")) + query(r, false)
	case k < 93:
		return pick(r, []string{"file", "filecache"}) + "://" + pick(r, dirs) + query(r, false)
	case k < 97:
		return pick(r, []string{"db", "dbcache"}) + "://" + pick(r, names) + query(r, false)
	default:
		return pick(r, []string{"dummy", "uwsgicache"}) + "://" + query(r, false)
	}
}
