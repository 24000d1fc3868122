package readme

import (
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
	"github.com/cacheurl/cacheurl/internal/testserver/scripted"
)

// The addresses the documents use, and what stands behind each in the
// test (always on loopback):
//
//	127.0.0.1:6379   redis-server with requirepass s3cret
//	127.0.0.1:11211  memcached
//	127.0.0.1:6390   nothing (connection refused; the port stays reserved)
//	10.0.0.5:6379    a scripted redis in protected mode (-DENIED, then close)
//	10.0.0.7:26379   a scripted sentinel that accepts and never answers
type addrMap struct{ pairs [][2]string }

func startServers(t *testing.T, text string) *addrMap {
	m := &addrMap{}
	add := func(doc string, start func() string) {
		if strings.Contains(text, doc) {
			m.pairs = append(m.pairs, [2]string{doc, start()})
		}
	}
	add("127.0.0.1:6379", func() string { return redisserver.Start(t, redisserver.Config{Password: "s3cret"}).Addr })
	add("127.0.0.1:11211", func() string { return memcachedserver.Start(t).Addr })
	add("127.0.0.1:6390", func() string { return testserver.RefusedAddr(t) })
	add("10.0.0.5:6379", func() string { return scripted.SayAndClose(t, scripted.DeniedReply) })
	add("10.0.0.7:26379", func() string { return scripted.Silent(t) })
	return m
}

func (m *addrMap) real(s string) string {
	for _, p := range m.pairs {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	return s
}

func (m *addrMap) realAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = m.real(a)
	}
	return out
}

func (m *addrMap) documented(s string) string {
	for _, p := range m.pairs {
		s = strings.ReplaceAll(s, p[1], p[0])
	}
	return s
}
