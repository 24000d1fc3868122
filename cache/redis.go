package cache

import (
	"context"
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
	// cluster: keys of one command must share a hash slot.
	cluster bool
}

func newRedisDriver(c redis.UniversalClient) *redisDriver {
	_, cluster := c.(*redis.ClusterClient)
	return &redisDriver{c: c, cluster: cluster}
}

// newRedis builds the client with go-redis's context deadlines on
// (ContextTimeoutEnabled, unless the URL sets context_timeout_enabled
// itself): every read and write then ends at the context's deadline, as
// pool waits and dials already do; the URL's timeouts still bound a call
// whose context has none.
func newRedis(ctx context.Context, cfg core.Config, allowUnknown bool) (*redisDriver, error) {
	opts := []goredis.Option{goredis.ContextDeadlines()}
	if allowUnknown {
		opts = append(opts, goredis.AllowUnknownOptions())
	}
	c, err := goredis.New(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	return newRedisDriver(c), nil
}

// rbound bounds a go-redis call by ctx. go-redis (with context deadlines
// on, see newRedis) ends a call at its context's deadline, and returns at
// once on a context already done (its pool checks it before anything
// else); what it does not watch is a cancellation during a call, which it
// notices only at the socket deadline. So a context with a deadline runs
// the call in the caller's goroutine, and only a context that can be
// cancelled but has no deadline (a request's context without a timeout)
// pays for the goroutine of bound, which returns at the cancellation.
// With a deadline, a cancellation during the call is seen at the deadline
// at the latest.
func rbound[T any](ctx context.Context, f func() (T, error)) (T, error) {
	if _, ok := ctx.Deadline(); ok {
		return f()
	}
	return bound(ctx, f)
}

func rbound0(ctx context.Context, f func() error) error {
	if _, ok := ctx.Deadline(); ok {
		return f()
	}
	return bound0(ctx, f)
}

// incrScript increments only an existing key; INCRBY keeps the TTL.
var incrScript = redis.NewScript(`if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])`)

func (r *redisDriver) validKey(key) error { return nil }

func (r *redisDriver) get(ctx context.Context, k key) ([]byte, error) {
	return rbound(ctx, func() ([]byte, error) {
		b, err := r.c.Get(ctx, k.made()).Bytes()
		if err == redis.Nil {
			return nil, ErrNotFound
		}
		return b, err
	})
}

func (r *redisDriver) set(ctx context.Context, k key, value []byte, e expiry) error {
	return rbound0(ctx, func() error {
		if e.remove() {
			return r.c.Del(ctx, k.made()).Err()
		}
		return r.c.Set(ctx, k.made(), value, r.ttl(e)).Err()
	})
}

func (r *redisDriver) ttl(e expiry) time.Duration {
	if e.never {
		return 0
	}
	return e.duration()
}

func (r *redisDriver) add(ctx context.Context, k key, value []byte, e expiry) (bool, error) {
	return rbound(ctx, func() (bool, error) {
		made := k.made()
		if e.remove() {
			// As Django: store if absent, then remove at once.
			ok, err := r.c.SetNX(ctx, made, value, 0).Result()
			if err != nil || !ok {
				return ok, err
			}
			return true, r.c.Del(ctx, made).Err()
		}
		return r.c.SetNX(ctx, made, value, r.ttl(e)).Result()
	})
}

func (r *redisDriver) delete(ctx context.Context, k key) (bool, error) {
	return rbound(ctx, func() (bool, error) {
		n, err := r.c.Del(ctx, k.made()).Result()
		return n > 0, err
	})
}

func (r *redisDriver) has(ctx context.Context, k key) (bool, error) {
	return rbound(ctx, func() (bool, error) {
		n, err := r.c.Exists(ctx, k.made()).Result()
		return n > 0, err
	})
}

func madeKeys(keys []key) []string {
	made := make([]string, len(keys))
	for i, k := range keys {
		made[i] = k.made()
	}
	return made
}

// bySlot groups the indexes of made by hash slot, in first-seen order.
func bySlot(made []string) [][]int {
	var groups [][]int
	at := map[int]int{}
	for i, k := range made {
		s := keySlot(k)
		g, ok := at[s]
		if !ok {
			g = len(groups)
			at[s] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// getMany is one MGET; on a Cluster one MGET per hash slot, pipelined (one
// round trip per node).
func (r *redisDriver) getMany(ctx context.Context, keys []key) (map[int][]byte, error) {
	if len(keys) == 0 {
		return map[int][]byte{}, nil
	}
	return rbound(ctx, func() (map[int][]byte, error) {
		made := madeKeys(keys)
		out := make(map[int][]byte, len(keys))
		collect := func(idx []int, vals []any) {
			for j, v := range vals {
				if s, ok := v.(string); ok {
					out[idx[j]] = []byte(s)
				}
			}
		}
		if !r.cluster {
			vals, err := r.c.MGet(ctx, made...).Result()
			if err != nil {
				return nil, err
			}
			for i, v := range vals {
				if s, ok := v.(string); ok {
					out[i] = []byte(s)
				}
			}
			return out, nil
		}
		groups := bySlot(made)
		cmds := make([]*redis.SliceCmd, len(groups))
		_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for g, idx := range groups {
				ks := make([]string, len(idx))
				for j, i := range idx {
					ks[j] = made[i]
				}
				cmds[g] = p.MGet(ctx, ks...)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for g, cmd := range cmds {
			collect(groups[g], cmd.Val())
		}
		return out, nil
	})
}

// setMany: a removing expiry is deleteMany. Otherwise one MULTI/EXEC of
// SET ... EX (or SET without expiry for never) on a standalone server or
// Sentinel: atomic, one round trip; on a Cluster, where a transaction
// cannot span slots, the SETs pipelined (one round trip per node).
func (r *redisDriver) setMany(ctx context.Context, keys []key, values [][]byte, e expiry) error {
	if len(keys) == 0 {
		return nil
	}
	if e.remove() {
		return r.deleteMany(ctx, keys)
	}
	return rbound0(ctx, func() error {
		fill := func(p redis.Pipeliner) error {
			for i, k := range keys {
				p.Set(ctx, k.made(), values[i], r.ttl(e))
			}
			return nil
		}
		var err error
		if r.cluster {
			_, err = r.c.Pipelined(ctx, fill)
		} else {
			_, err = r.c.TxPipelined(ctx, fill)
		}
		return err
	})
}

// deleteMany is one DEL; on a Cluster one DEL per hash slot, pipelined.
func (r *redisDriver) deleteMany(ctx context.Context, keys []key) error {
	if len(keys) == 0 {
		return nil
	}
	return rbound0(ctx, func() error {
		made := madeKeys(keys)
		if !r.cluster {
			return r.c.Del(ctx, made...).Err()
		}
		_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, idx := range bySlot(made) {
				ks := make([]string, len(idx))
				for j, i := range idx {
					ks[j] = made[i]
				}
				p.Del(ctx, ks...)
			}
			return nil
		})
		return err
	})
}

func (r *redisDriver) incr(ctx context.Context, k key, delta int64) (int64, error) {
	return rbound(ctx, func() (int64, error) {
		n, err := incrScript.Run(ctx, r.c, []string{k.made()}, delta).Int64()
		if err == redis.Nil {
			return 0, ErrNotFound
		}
		if err != nil && strings.Contains(err.Error(), "not an integer") {
			return 0, fmt.Errorf("%w: incr %q", ErrNotInteger, truncate(k.made()))
		}
		return n, err
	})
}

func (r *redisDriver) touch(ctx context.Context, k key, e expiry) (bool, error) {
	return rbound(ctx, func() (bool, error) {
		made := k.made()
		switch {
		case e.remove():
			n, err := r.c.Del(ctx, made).Result()
			return n > 0, err
		case e.never:
			ok, err := r.c.Persist(ctx, made).Result()
			if err != nil || ok {
				return ok, err
			}
			n, err := r.c.Exists(ctx, made).Result() // present without an expiry
			return n > 0, err
		}
		return r.c.Expire(ctx, made, e.duration()).Result()
	})
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
	return rbound0(ctx, func() error {
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
	})
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

// keySlot is the Redis Cluster hash slot of a key: CRC16 (XMODEM) of the
// key, or of its hash tag (the part between the first "{" and the next
// "}", when not empty), modulo 16384.
func keySlot(k string) int {
	if i := strings.IndexByte(k, '{'); i >= 0 {
		if j := strings.IndexByte(k[i+1:], '}'); j > 0 {
			k = k[i+1 : i+1+j]
		}
	}
	var crc uint16
	for i := 0; i < len(k); i++ {
		crc ^= uint16(k[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return int(crc) % 16384
}
