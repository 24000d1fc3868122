// Package entrypoints is the tests' list of every entry point of the
// module that takes a [core.Config]: cache.New, the go-redis option
// builders and client, the gomemcache client and its settings, a check,
// and the Django codec. The leak fuzz target and the tests of the one
// error vocabulary run them all on the same config.
package entrypoints

import (
	"context"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/cache/django"
	"github.com/cacheurl/cacheurl/check"
	"github.com/cacheurl/cacheurl/clients/gomemcache"
	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
)

// Errors returns the error of every entry point for cfg, by name (nil
// where it succeeded), closing what they built. With a context that is
// already done, none of them connects or resolves a name: what they return
// is the config's error, or the context's.
func Errors(ctx context.Context, cfg core.Config) map[string]error {
	out := map[string]error{}
	c, err := cache.New(ctx, cfg)
	if err == nil {
		c.Close()
	}
	out["cache.New"] = err
	_, out["goredis.Options"] = goredis.Options(cfg)
	_, out["goredis.FailoverOptions"] = goredis.FailoverOptions(cfg)
	_, out["goredis.ClusterOptions"] = goredis.ClusterOptions(cfg)
	_, out["goredis.UniversalOptions"] = goredis.UniversalOptions(cfg)
	rc, err := goredis.New(ctx, cfg)
	if err == nil {
		rc.Close()
	}
	out["goredis.New"] = err
	mc, err := gomemcache.New(ctx, cfg)
	if err == nil {
		mc.Close()
	}
	out["gomemcache.New"] = err
	_, out["gomemcache.ParseSettings"] = gomemcache.ParseSettings(cfg)
	_, out["check.Run"] = check.Run(ctx, cfg)
	_, out["django.New"] = django.New(cfg)
	return out
}
