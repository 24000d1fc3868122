package cache

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
)

type redisDriver struct {
	c redis.UniversalClient
}

func newRedis(_ context.Context, cfg core.Config, allowUnknown bool) (*redisDriver, error) {
	var opts []goredis.Option
	if allowUnknown {
		opts = append(opts, goredis.AllowUnknownOptions())
	}
	c, err := goredis.NewClient(cfg, opts...)
	if err != nil {
		return nil, err
	}
	return &redisDriver{c: c}, nil
}

// incrScript increments only an existing key; INCRBY keeps the TTL.
var incrScript = redis.NewScript(`if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])`)

func (r *redisDriver) validKey(string) error { return nil }

func (r *redisDriver) get(ctx context.Context, key string) ([]byte, error) {
	b, err := r.c.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	return b, err
}

func (r *redisDriver) set(ctx context.Context, key string, value []byte, e expiry) error {
	if e.remove() {
		return r.c.Del(ctx, key).Err()
	}
	return r.c.Set(ctx, key, value, r.ttl(e)).Err()
}

func (r *redisDriver) ttl(e expiry) time.Duration {
	if e.never {
		return 0
	}
	return e.duration()
}

func (r *redisDriver) add(ctx context.Context, key string, value []byte, e expiry) (bool, error) {
	if e.remove() {
		// As Django: store if absent, then remove at once.
		ok, err := r.c.SetNX(ctx, key, value, 0).Result()
		if err != nil || !ok {
			return ok, err
		}
		return true, r.c.Del(ctx, key).Err()
	}
	return r.c.SetNX(ctx, key, value, r.ttl(e)).Result()
}

func (r *redisDriver) delete(ctx context.Context, key string) (bool, error) {
	n, err := r.c.Del(ctx, key).Result()
	return n > 0, err
}

func (r *redisDriver) has(ctx context.Context, key string) (bool, error) {
	n, err := r.c.Exists(ctx, key).Result()
	return n > 0, err
}

func (r *redisDriver) getMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	cmds := make([]*redis.StringCmd, len(keys))
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Get(ctx, k)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	out := make(map[string][]byte, len(keys))
	for i, cmd := range cmds {
		b, err := cmd.Bytes()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[keys[i]] = b
	}
	return out, nil
}

func (r *redisDriver) setMany(ctx context.Context, keys []string, values [][]byte, e expiry) error {
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			if e.remove() {
				p.Del(ctx, k)
			} else {
				p.Set(ctx, k, values[i], r.ttl(e))
			}
		}
		return nil
	})
	return err
}

func (r *redisDriver) deleteMany(ctx context.Context, keys []string) error {
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range keys {
			p.Del(ctx, k)
		}
		return nil
	})
	return err
}

func (r *redisDriver) incr(ctx context.Context, key string, delta int64) (int64, error) {
	n, err := incrScript.Run(ctx, r.c, []string{key}, delta).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, ErrNotFound
	}
	if err != nil && strings.Contains(err.Error(), "not an integer") {
		return 0, fmt.Errorf("%w: incr %q", ErrNotInteger, truncate(key))
	}
	return n, err
}

func (r *redisDriver) touch(ctx context.Context, key string, e expiry) (bool, error) {
	switch {
	case e.remove():
		return r.delete(ctx, key)
	case e.never:
		ok, err := r.c.Persist(ctx, key).Result()
		if err != nil || ok {
			return ok, err
		}
		return r.has(ctx, key) // present without an expiry
	}
	return r.c.Expire(ctx, key, e.duration()).Result()
}

// globEscape escapes the glob metacharacters of a SCAN MATCH pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func clearNode(ctx context.Context, c redis.Cmdable, match string) error {
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, match, 500).Result()
		if err != nil {
			return err
		}
		for _, k := range keys {
			// One key per UNLINK: cluster slots never mix.
			if err := c.Unlink(ctx, k).Err(); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

func (r *redisDriver) clear(ctx context.Context, prefix string) error {
	match := globEscape(prefix) + "*"
	if cc, ok := r.c.(*redis.ClusterClient); ok {
		var mu sync.Mutex
		return cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			return clearNode(ctx, node, match)
		})
	}
	return clearNode(ctx, r.c, match)
}

func (r *redisDriver) close() error { return r.c.Close() }

func (r *redisDriver) as(target any) bool {
	switch p := target.(type) {
	case *redis.UniversalClient:
		*p = r.c
		return true
	case **redis.Client:
		if c, ok := r.c.(*redis.Client); ok {
			*p = c
			return true
		}
	case **redis.ClusterClient:
		if c, ok := r.c.(*redis.ClusterClient); ok {
			*p = c
			return true
		}
	case *redis.Cmdable:
		*p = r.c
		return true
	}
	return false
}
