package clientcfg

import (
	"errors"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

// TestNormalize: a config of a backend the package serves comes back
// canonical; any other is one error kind, with one hint per backend, and
// no message shows a secret of a hand-made config.
func TestNormalize(t *testing.T) {
	redisOnly := []core.Backend{core.BackendRedis}
	for _, tt := range []struct {
		name string
		cfg  core.Config
		want []core.Backend
		kind error
		msg  string
	}{
		{"hand-made redis", core.Config{Scheme: "redis", Hosts: []string{"h"}}, redisOnly, nil, ""},
		{"any Go backend", core.Config{Scheme: "locmem"}, nil, nil, ""},
		{"bad port", core.Config{Scheme: "redis", Hosts: []string{"h:99999"}, Password: "Sekr1t-pw"}, redisOnly, core.ErrInvalidPort, "not valid"},
		{"memcached to redis", core.Config{Scheme: "pymemcache", Hosts: []string{"h"}}, redisOnly, clients.ErrWrongBackend,
			"pymemcache:// is a memcached cache, not redis: use clients/gomemcache, or package cache"},
		{"redis to memcached", core.Config{Scheme: "rediss", Hosts: []string{"h"}}, []core.Backend{core.BackendMemcached}, clients.ErrWrongBackend,
			"use clients/goredis, or package cache"},
		{"locmem to redis", core.Config{Scheme: "locmem"}, redisOnly, clients.ErrWrongBackend, "use package cache"},
		{"file", core.Config{Scheme: "file", Path: "/tmp/c"}, redisOnly, clients.ErrNoGoClient,
			"file:// is Django's FileBasedCache, which no Go client serves"},
		{"db to any", core.Config{Scheme: "DB", Path: "t"}, nil, clients.ErrNoGoClient, "db:// is Django's DatabaseCache"},
		{"userinfo in the scheme", core.Config{Scheme: "redis://u:hunter2@h", Backend: core.BackendFile}, nil, core.ErrUnknownScheme, "not valid"},
		{"userinfo in a host", core.Config{Scheme: "redis", Hosts: []string{"u:hunter2@h"}}, redisOnly, core.ErrInvalidHost, "not valid"},
		{"password in an option of a file config", core.Config{Scheme: "file", Path: "/x", Options: map[string]string{"password": "hunter2"}}, nil,
			clients.ErrNoGoClient, "FileBasedCache"},
	} {
		c, err := Normalize("pkg", tt.cfg, tt.want...)
		if tt.kind == nil {
			if err != nil || c.Backend == "" {
				t.Errorf("%s: %+v, %v", tt.name, c, err)
			}
			continue
		}
		var ce *clients.Error
		if !errors.Is(err, tt.kind) || !errors.As(err, &ce) || ce.Package != "pkg" || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want kind %v and %q", tt.name, err, tt.kind, tt.msg)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "Sekr1t") {
			t.Errorf("%s: %v shows the password", tt.name, err)
		}
	}
}
