package goredis_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

// lookups replaces the default resolver, for the test, with Go's own
// resolver whose DNS connections are pipes: every name looked up on DNS is
// recorded, and the lookup fails at once (no network, no dependence on how
// fast this machine's resolver is). It returns the names recorded so far.
func lookups(t *testing.T) func() []string {
	var (
		mu    sync.Mutex
		names []string
	)
	r := net.DefaultResolver
	oldPreferGo, oldDial := r.PreferGo, r.Dial
	r.PreferGo = true
	r.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		client, server := net.Pipe()
		go func() {
			defer server.Close()
			// A stream connection: a 2-byte length, then the DNS message.
			var n [2]byte
			if _, err := io.ReadFull(server, n[:]); err != nil {
				return
			}
			msg := make([]byte, int(n[0])<<8|int(n[1]))
			if _, err := io.ReadFull(server, msg); err != nil {
				return
			}
			if name := questionName(msg); name != "" {
				mu.Lock()
				names = append(names, name)
				mu.Unlock()
			}
		}()
		return client, nil
	}
	t.Cleanup(func() { r.PreferGo, r.Dial = oldPreferGo, oldDial })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), names...)
	}
}

// questionName is the name of a DNS query's first question.
func questionName(msg []byte) string {
	if len(msg) < 12 {
		return ""
	}
	var labels []string
	for i := 12; i < len(msg); {
		l := int(msg[i])
		if l == 0 || i+1+l > len(msg) {
			break
		}
		labels = append(labels, string(msg[i+1:i+1+l]))
		i += 1 + l
	}
	return strings.Join(labels, ".")
}

func lookedUp(names []string, name string) bool {
	for _, n := range names {
		if n == name || strings.HasPrefix(n, name+".") {
			return true
		}
	}
	return false
}

// go-redis v9.22's NewFailoverClient resolves its placeholder address
// "FailoverClient" when it builds the client (for up to 2 s, whatever the
// caller's deadline). The client goredis builds for a sentinel URL looks up
// no name that is not one of the URL's hosts: not when it is built, not
// when it connects. The test records every DNS lookup instead of timing
// one, and checks that it would see the placeholder's (go-redis's own
// constructor, and a lookup of a control name, are recorded).
func TestSentinelLooksUpNoPlaceholder(t *testing.T) {
	master := redisserver.Start(t, redisserver.Config{})
	sen := redisserver.StartSentinel(t, master, redisserver.SentinelConfig{})
	names := lookups(t)

	// The control: the recorder sees a lookup of a name, and go-redis's
	// own failover client looking up its placeholder.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = net.DefaultResolver.LookupIPAddr(ctx, "cacheurl-control-name")
	if !lookedUp(names(), "cacheurl-control-name") {
		t.Skipf("SKIP: this machine resolves names without Go's resolver's DNS dialer (recorded %q); the test cannot see lookups", names())
	}
	fo := &redis.FailoverOptions{MasterName: sen.MasterName, SentinelAddrs: []string{sen.Addr}}
	_ = redis.NewFailoverClient(fo).Close()
	if !lookedUp(names(), "FailoverClient") {
		t.Logf("go-redis's NewFailoverClient did not look up its placeholder here (recorded %q): a newer go-redis?", names())
	}

	before := len(names())
	for _, u := range []string{
		"redis+sentinel://" + sen.Addr + "/" + sen.MasterName + "/1",
		"redis+sentinel://" + sen.Addr + "/" + sen.MasterName + "?replica_only=true",
	} {
		cfg, err := core.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		c, err := goredis.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Set(ctx, "k", "v", time.Minute).Err(); err != nil && !strings.Contains(err.Error(), "READONLY") {
			t.Errorf("%s: SET: %v", u, err)
		}
		if err := c.Ping(ctx).Err(); err != nil {
			t.Errorf("%s: PING: %v", u, err)
		}
		_ = c.Close()
	}
	if got := names()[before:]; len(got) > 0 {
		t.Errorf("building and using a sentinel client looked up %q; want no lookup (the URL's hosts are addresses)", got)
	}
}

// A master that moves: the Sentinel reports another address, the old
// master becomes a replica (writes to it fail with READONLY), and the
// client's next write lands on the new master; every connection to the
// old one is closed.
func TestSentinelFollowsFailover(t *testing.T) {
	a := redisserver.Start(t, redisserver.Config{})
	b := redisserver.Start(t, redisserver.Config{})
	var mu sync.Mutex
	master := a.Addr
	sen := scripted.RESP(t, func(args []string) string {
		if len(args) >= 2 && strings.EqualFold(args[0], "SENTINEL") && strings.EqualFold(args[1], "GET-MASTER-ADDR-BY-NAME") {
			mu.Lock()
			host, port, _ := net.SplitHostPort(master)
			mu.Unlock()
			return fmt.Sprintf("*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(host), host, len(port), port)
		}
		if len(args) > 0 && strings.EqualFold(args[0], "HELLO") {
			return "-ERR unknown command 'HELLO'\r\n"
		}
		return "+OK\r\n"
	})
	c := goredis.NewFailoverClient(&redis.FailoverOptions{MasterName: "m", SentinelAddrs: []string{sen}})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Set(ctx, "before", "on a", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got := a.Dial(t).Must(t, "GET", "before"); got != "on a" {
		t.Fatalf("a: GET before = %v", got)
	}
	// Fail over: b is the master, a its replica.
	mu.Lock()
	master = b.Addr
	mu.Unlock()
	a.Dial(t).Must(t, "REPLICAOF", "127.0.0.1", fmt.Sprint(b.Port))
	if err := c.Set(ctx, "after", "on b", 0).Err(); err != nil {
		t.Fatalf("SET after the failover: %v", err)
	}
	if got := b.Dial(t).Must(t, "GET", "after"); got != "on b" {
		t.Errorf("b: GET after = %v, want the write on the new master", got)
	}
	for i := range 5 {
		if err := c.Set(ctx, "again", i, 0).Err(); err != nil {
			t.Errorf("SET %d after the failover: %v", i, err)
		}
	}
}

// No Sentinel knows the master: the error says the sentinels are
// unreachable, as go-redis's does, and matches redis.Nil; a Sentinel that
// is down is skipped.
func TestSentinelUnknownMaster(t *testing.T) {
	sen := scripted.Sentinel(t, map[string]string{})
	down := scripted.SayAndClose(t, "")
	c := goredis.NewFailoverClient(&redis.FailoverOptions{MasterName: "nope", SentinelAddrs: []string{down, sen}, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := c.Ping(ctx).Err()
	if err == nil || !strings.Contains(err.Error(), "all sentinels specified in configuration are unreachable") || !errors.Is(err, redis.Nil) {
		t.Errorf("PING with an unknown master = %v; want the sentinels' error matching redis.Nil", err)
	}
}
