package clients_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

func TestErrorShape(t *testing.T) {
	for _, tt := range []struct {
		err  *clients.Error
		text string
		is   []error
		not  []error
	}{
		{&clients.Error{Package: "goredis", Kind: clients.ErrUnknownOption, Options: []string{"pool_sise"}, Msg: "unknown option pool_sise"},
			"goredis: unknown option pool_sise",
			[]error{clients.ErrUnknownOption, core.ErrInvalidParameter}, []error{clients.ErrInvalidOption, core.ErrInvalidHost}},
		{&clients.Error{Package: "gomemcache", Kind: clients.ErrInvalidOption, URL: "memcached://h?x=1", Msg: "bad", Err: fs.ErrPermission},
			`gomemcache: bad (in "memcached://h?x=1"): permission denied`,
			[]error{clients.ErrInvalidOption, core.ErrInvalidParameter, fs.ErrPermission}, []error{clients.ErrUnknownOption}},
		{&clients.Error{Package: "cache", Op: "get", Kind: clients.ErrTimeout, URL: "redis://h:6379/0", Msg: "no answer in time",
			Err: fmt.Errorf("%w: read: i/o timeout", context.DeadlineExceeded)},
			`cache: get: no answer in time (in "redis://h:6379/0"): context deadline exceeded: read: i/o timeout`,
			[]error{clients.ErrTimeout, context.DeadlineExceeded}, []error{clients.ErrCanceled, context.Canceled, core.ErrInvalidParameter}},
		{&clients.Error{Kind: clients.ErrWrongBackend, Msg: "not redis"}, "not redis",
			[]error{clients.ErrWrongBackend}, []error{core.ErrInvalidParameter, clients.ErrNoGoClient}},
	} {
		if got := tt.err.Error(); got != tt.text {
			t.Errorf("Error() = %q, want %q", got, tt.text)
		}
		for _, k := range tt.is {
			if !errors.Is(tt.err, k) {
				t.Errorf("%q: errors.Is(%v) = false", tt.text, k)
			}
		}
		for _, k := range tt.not {
			if errors.Is(tt.err, k) {
				t.Errorf("%q: errors.Is(%v) = true", tt.text, k)
			}
		}
	}
	if clients.ErrUnknownOption.Code() != "unknown_option" || clients.ErrInvalidConfig.Code() != "invalid_config" {
		t.Error("codes")
	}
}
