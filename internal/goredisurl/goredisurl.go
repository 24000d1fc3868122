// Package goredisurl compares go-redis's own URL parsers (redis.ParseURL,
// ParseFailoverURL, ParseClusterURL) with core's reading of a URL, for the
// cacheurl command's explain: a service that hands CACHE_URL to go-redis
// directly, instead of through package clients/goredis, reads it as go-redis
// does.
package goredisurl

import (
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/core"
)

// Differences says, one sentence each, whether go-redis's own URL parsers
// read the canonical URL of c as core does, by calling them on it (redacted:
// the password's value does not change how a URL parses). It says nothing
// for other backends than redis.
func Differences(c core.Config) []string {
	if c.Backend != core.BackendRedis {
		return nil
	}
	u := c.Redacted()
	switch c.Topology {
	case core.Sentinel:
		if _, err := redis.ParseFailoverURL(u); err != nil {
			return []string{"go-redis's redis.ParseFailoverURL rejects it (" + err.Error() +
				"): go-redis writes a sentinel setup as redis://sentinel:26379/db?master_name=NAME&addr=sentinel2:26379"}
		}
		return nil
	case core.Cluster:
		if _, err := redis.ParseClusterURL(u); err != nil {
			return []string{"go-redis's redis.ParseClusterURL rejects it (" + err.Error() +
				"): go-redis writes a cluster as redis://node:6379?addr=node2:6379"}
		}
		return nil
	}
	warns := standalone(c, u, "")
	if scheme := c.Scheme; scheme != "redis" && scheme != "rediss" && scheme != "unix" {
		// ParseURL knows only redis, rediss and unix: try the URL with the
		// scheme it would need, to say whether the rest would do (unix://
		// is go-redis's own spelling of a socket, so it needs no rewrite).
		alt := "redis"
		if c.TLS {
			alt = "rediss"
		}
		warns = append(warns, standalone(c, alt+strings.TrimPrefix(u, scheme), alt)...)
	}
	return warns
}

// standalone runs redis.ParseURL on u and compares what it reads with
// c. alt is the scheme u was rewritten to, or "".
func standalone(c core.Config, u, alt string) []string {
	who := "go-redis's redis.ParseURL"
	if alt != "" {
		who = "Written as " + alt + "://, go-redis's redis.ParseURL"
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		msg := err.Error()
		w := who + " rejects it (" + msg + ")"
		switch {
		case strings.Contains(msg, "invalid URL scheme"):
			w += ": it knows only redis://, rediss:// and unix://"
		case strings.Contains(msg, "unexpected option"):
			w += ": it rejects every query parameter it does not know, Django's cache arguments included"
		case c.Socket != "" && c.Scheme != "unix":
			// The same socket in go-redis's spelling, which cacheurl reads too.
			red := c.Redact()
			unix := core.Config{Scheme: "unix", Backend: core.BackendRedis, Topology: core.Standalone,
				Socket: c.Socket, DB: c.DB, Username: red.Username, Password: red.Password}
			want := core.Format(unix)
			if c.DB == 0 {
				want += "?db=0"
			}
			w += ": for a unix socket it wants " + want + " (cacheurl reads that spelling too)"
		case len(c.Hosts) > 1:
			w += ": it takes one address"
		}
		return []string{w}
	}
	red := c.Redact()
	var diffs []string
	wantNet, wantAddr := "tcp", ""
	switch {
	case c.Socket != "":
		wantNet, wantAddr = "unix", c.Socket
	case len(c.Hosts) > 0:
		wantAddr = c.Hosts[0]
	}
	if opt.Network != wantNet || opt.Addr != wantAddr || len(c.Hosts) > 1 {
		want := wantAddr
		if len(c.Hosts) > 1 {
			want = strings.Join(c.Hosts, ", ")
		}
		diffs = append(diffs, fmt.Sprintf("address %s %q (cacheurl: %s)", opt.Network, opt.Addr, want))
	}
	if opt.DB != c.DB {
		diffs = append(diffs, fmt.Sprintf("db %d (cacheurl: %d)", opt.DB, c.DB))
	}
	if opt.Username != red.Username {
		diffs = append(diffs, fmt.Sprintf("username %q (cacheurl: %q)", opt.Username, red.Username))
	}
	if opt.Password != red.Password {
		diffs = append(diffs, fmt.Sprintf("password %q (cacheurl: %q)", opt.Password, red.Password))
	}
	if tls := opt.TLSConfig != nil; tls != c.TLS {
		diffs = append(diffs, fmt.Sprintf("TLS %v (cacheurl: %v)", tls, c.TLS))
	}
	if len(diffs) > 0 {
		return []string{who + " accepts it but reads " + strings.Join(diffs, ", ")}
	}
	if alt != "" {
		return []string{who + " reads it as cacheurl does"}
	}
	return nil
}
