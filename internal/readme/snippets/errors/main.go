// Command errors shows the typed errors of core and of the client
// packages: kinds for errors.Is, the bad part of the input underlined, and
// never the password.
package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/core"
)

func main() {
	for _, u := range []string{
		"redsi://:s3cret@cache:6379/0",
		"redis://:s3c#ret@cache/0",
		"redis://h/0?timeout=abc",
	} {
		_, err := core.Parse(u)
		var ce *core.Error
		if errors.As(err, &ce) {
			fmt.Printf("%s (%s)\n%s\n", ce.Msg, ce.Kind.Code(), ce.Caret())
		}
	}

	// The client packages share one error shape and its kinds; an option
	// error is also core's ErrInvalidParameter.
	ctx := context.Background()
	cfg, _ := core.Parse("redis://:s3cret@cache:6379/0?pool_sise=20")
	_, err := goredis.New(ctx, cfg)
	var e *clients.Error
	fmt.Println(errors.As(err, &e), e.Kind.Code(), e.Options,
		errors.Is(err, clients.ErrUnknownOption), errors.Is(err, core.ErrInvalidParameter))
	fmt.Println(err)

	// A hand-built config is checked by core.Config.Normalize first.
	_, err = goredis.New(ctx, core.Config{Scheme: "redis", Hosts: []string{"cache:99999"}})
	fmt.Println(errors.Is(err, clients.ErrInvalidConfig), errors.Is(err, core.ErrInvalidPort))
}
