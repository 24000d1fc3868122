package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/classify"
)

func checkMemcached(ctx context.Context, cfg core.Config, o options, res *Result) error {
	var mopts []gomemcache.Option
	if o.allowUnknown {
		mopts = append(mopts, gomemcache.AllowUnknownOptions())
	}
	network := "tcp"
	if cfg.Socket != "" {
		network = "unix"
		res.Target = "unix socket " + cfg.Socket
	} else if servers, err := gomemcache.Servers(cfg); err == nil {
		res.Target = strings.Join(servers, ", ")
	}
	client, err := gomemcache.New(ctx, cfg, mopts...)
	var de *net.DNSError
	switch {
	case err == nil:
	case ctx.Err() != nil: // done before the names were resolved
		return classifyMemcached(ctx, err, res.Target, cfg)
	case errors.As(err, &de) || errors.Is(err, gomemcache.ErrResolve):
		return &Error{Kind: clients.ErrResolve, Target: res.Target, Msg: "cannot resolve a server name; check the host names (and DNS)", Err: err}
	default:
		return configError(err)
	}
	c, err := openCache(ctx, cfg, client)
	if err != nil {
		client.Close()
		return configError(err)
	}
	defer c.Close() // closes client
	// gomemcache bounds each call by Client.Timeout, not by a context: cap
	// it at the time left.
	left := time.Until(deadline(ctx))
	if client.Timeout <= 0 {
		client.Timeout = memcache.DefaultTimeout
	}
	client.Timeout = max(min(client.Timeout, left), time.Millisecond)
	servers, _ := gomemcache.Servers(cfg)
	start := time.Now()
	var versions []string
	for _, addr := range servers {
		v, err := memcachedVersion(ctx, network, addr)
		if err != nil {
			return classifyMemcached(ctx, err, addr, cfg)
		}
		versions = append(versions, v)
	}
	res.Connect = time.Since(start)
	res.Server = "memcached " + strings.Join(dedupe(versions), ", ")
	return roundTrip(ctx, c, res, func(err error) error { return classifyMemcached(ctx, err, res.Target, cfg) })
}

// replyError is a reply to the version command that is not VERSION.
type replyError struct{ line string }

func (e *replyError) Error() string { return fmt.Sprintf("unexpected reply to version: %q", e.line) }

// memcachedVersion asks one server for its version with the text protocol.
func memcachedVersion(ctx context.Context, network, addr string) (string, error) {
	line, err := probe(ctx, network, addr, "version\r\n", 0)
	if err != nil {
		return "", err
	}
	v, ok := strings.CutPrefix(line, "VERSION ")
	if !ok {
		return "", &replyError{line}
	}
	return v, nil
}

// classifyMemcached turns a memcached failure into an actionable *Error,
// in memcached's terms: the version command's replies the check reads
// itself, then the classification package cache uses.
func classifyMemcached(ctx context.Context, err error, target string, cfg core.Config) error {
	e := &Error{Kind: clients.ErrFailed, Target: target, Err: err}
	var re *replyError
	switch {
	case errors.As(err, &re) && strings.HasPrefix(re.line, "-DENIED"):
		e.Kind, e.Detail = clients.ErrDenied, strings.TrimPrefix(firstSentence(re.line), "-")
		e.Msg = "this is not memcached but a redis server, in protected mode; point the URL at memcached's port (11211 by default)"
	case errors.As(err, &re) && (strings.HasPrefix(re.line, "-") || strings.HasPrefix(re.line, "+")):
		e.Kind, e.Detail = clients.ErrMismatch, strings.TrimPrefix(firstSentence(re.line), "-")
		e.Msg = "the server answered in the redis protocol: this is redis, not memcached; use redis:// for it, or memcached's port (11211 by default)"
	case errors.As(err, &re):
		e.Kind, e.Detail = clients.ErrMismatch, firstSentence(re.line)
		e.Msg = "the server does not answer the memcached version command; is this memcached's port (11211 by default)?"
	default:
		r := classify.Memcached(ctx, err, classify.For(cfg))
		e.Kind, e.Msg, e.Detail = r.Kind, r.Msg, r.Detail
	}
	return e
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}
