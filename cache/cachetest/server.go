package cachetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/cache"
)

// NoExpiry is the TTL a [Server] reports for an entry that never expires.
const NoExpiry time.Duration = -1

// Server is the backend as the server sees it, read without the cache
// package: the keys exactly as stored and the TTL the server reports.
type Server interface {
	// Get returns the value stored under key (a key as stored, already
	// made: ":1:k"); ok is false when the server has no such key.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// TTL returns the remaining lifetime the server reports for key,
	// [NoExpiry] for an entry without one; ok is false when the key is
	// absent.
	TTL(ctx context.Context, key string) (ttl time.Duration, ok bool, err error)
	// Set stores value under key with no expiry, as another program (a
	// Django service) would.
	Set(ctx context.Context, key string, value []byte) error
}

// CommandStats is a server view that counts the commands the server ran
// (redis's INFO commandstats), for the checks that batches are native.
type CommandStats interface {
	// ResetStats zeroes the counts (CONFIG RESETSTAT on every node).
	ResetStats(ctx context.Context) error
	// Calls returns the calls per command since the reset ("mget": 1),
	// summed over the nodes.
	Calls(ctx context.Context) (map[string]int64, error)
	// Slots returns how many hash slots the made keys of c fall in, as the
	// server computes them (CLUSTER KEYSLOT); 1 on a server that is not a
	// cluster.
	Slots(ctx context.Context, c *cache.Cache, keys []string) (int, error)
}

// RedisServer reads a redis server (standalone, Sentinel master or
// Cluster) through a go-redis client of its own. It implements
// [CommandStats].
func RedisServer(c redis.UniversalClient) Server { return redisServer{c} }

// nodes calls f on each node (each master of a cluster).
func (s redisServer) nodes(ctx context.Context, f func(context.Context, *redis.Client) error) error {
	switch c := s.c.(type) {
	case *redis.ClusterClient:
		var mu sync.Mutex
		return c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			return f(ctx, n)
		})
	case *redis.Client:
		return f(ctx, c)
	}
	return fmt.Errorf("cachetest: a %T counts no commands", s.c)
}

func (s redisServer) ResetStats(ctx context.Context) error {
	return s.nodes(ctx, func(ctx context.Context, n *redis.Client) error { return n.ConfigResetStat(ctx).Err() })
}

func (s redisServer) Calls(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.nodes(ctx, func(ctx context.Context, n *redis.Client) error {
		info, err := n.Info(ctx, "commandstats").Result()
		if err != nil {
			return err
		}
		// cmdstat_mget:calls=1,usec=...
		for _, line := range strings.Split(info, "\n") {
			name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
			cmd, isStat := strings.CutPrefix(name, "cmdstat_")
			if !ok || !isStat {
				continue
			}
			calls, _, _ := strings.Cut(strings.TrimPrefix(rest, "calls="), ",")
			n, err := strconv.ParseInt(calls, 10, 64)
			if err != nil {
				return fmt.Errorf("cachetest: INFO commandstats line %q", line)
			}
			out[cmd] += n
		}
		return nil
	})
	return out, err
}

func (s redisServer) Slots(ctx context.Context, c *cache.Cache, keys []string) (int, error) {
	if _, ok := s.c.(*redis.ClusterClient); !ok {
		return 1, nil
	}
	slots := map[int64]bool{}
	for _, k := range keys {
		n, err := s.c.ClusterKeySlot(ctx, c.MakeKey(k)).Result()
		if err != nil {
			return 0, err
		}
		slots[n] = true
	}
	return len(slots), nil
}

type redisServer struct{ c redis.UniversalClient }

func (s redisServer) Get(ctx context.Context, key string) ([]byte, bool, error) {
	b, err := s.c.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	return b, err == nil, err
}

func (s redisServer) TTL(ctx context.Context, key string) (time.Duration, bool, error) {
	// PTTL: -2 absent, -1 no expiry, else milliseconds.
	n, err := s.c.Do(ctx, "PTTL", key).Int64()
	switch {
	case err != nil:
		return 0, false, err
	case n == -2:
		return 0, false, nil
	case n == -1:
		return NoExpiry, true, nil
	}
	return time.Duration(n) * time.Millisecond, true, nil
}

func (s redisServer) Set(ctx context.Context, key string, value []byte) error {
	return s.c.Set(ctx, key, value, 0).Err()
}

// MemcachedServer reads a memcached server over its text protocol (the
// meta command mg, memcached 1.6 and later), on network "tcp" or "unix".
func MemcachedServer(network, addr string) Server { return memcachedServer{network, addr} }

type memcachedServer struct{ network, addr string }

// do sends one request and returns the first reply line and, for a VA
// reply, the value.
func (s memcachedServer) do(ctx context.Context, req string) (string, []byte, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, s.network, s.addr)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte(req)); err != nil {
		return "", nil, err
	}
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil {
		return "", nil, err
	}
	line = strings.TrimRight(line, "\r\n")
	if !strings.HasPrefix(line, "VA ") {
		return line, nil, nil
	}
	f := strings.Fields(line)
	n, err := strconv.Atoi(f[1])
	if err != nil {
		return "", nil, fmt.Errorf("memcached: bad reply %q", line)
	}
	buf := make([]byte, n+2)
	if _, err := io.ReadFull(r, buf); err != nil {
		return "", nil, err
	}
	return line, buf[:n], nil
}

func (s memcachedServer) Get(ctx context.Context, key string) ([]byte, bool, error) {
	line, v, err := s.do(ctx, "mg "+key+" v\r\n")
	switch {
	case err != nil:
		return nil, false, err
	case line == "EN":
		return nil, false, nil
	case strings.HasPrefix(line, "VA "):
		return v, true, nil
	}
	return nil, false, fmt.Errorf("memcached mg %q: %q", key, line)
}

func (s memcachedServer) TTL(ctx context.Context, key string) (time.Duration, bool, error) {
	line, _, err := s.do(ctx, "mg "+key+" t\r\n")
	switch {
	case err != nil:
		return 0, false, err
	case line == "EN":
		return 0, false, nil
	}
	for _, f := range strings.Fields(line)[1:] {
		if v, ok := strings.CutPrefix(f, "t"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				break
			}
			if n == -1 {
				return NoExpiry, true, nil
			}
			return time.Duration(n) * time.Second, true, nil
		}
	}
	return 0, false, fmt.Errorf("memcached mg %q t: %q", key, line)
}

func (s memcachedServer) Set(ctx context.Context, key string, value []byte) error {
	line, _, err := s.do(ctx, "set "+key+" 0 0 "+strconv.Itoa(len(value))+"\r\n"+string(value)+"\r\n")
	if err == nil && line != "STORED" {
		err = fmt.Errorf("memcached set %q: %q", key, line)
	}
	return err
}
