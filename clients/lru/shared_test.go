package lru_test

import (
	"errors"
	"testing"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/clients/lru"
	"github.com/cacheurl/cacheurl/core"
)

// TestSharedErrors: lru checks the config first and speaks the error
// vocabulary of every client package.
func TestSharedErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  core.Config
		kind *clients.Kind
		core *core.Kind
	}{
		{"locmem with hosts", core.Config{Scheme: "locmem", Hosts: []string{"h:1"}}, clients.ErrInvalidConfig, core.ErrInvalidHost},
		{"max_entries 0", core.Config{Scheme: "locmem", MaxEntries: new(int)}, clients.ErrInvalidConfig, core.ErrInvalidParameter},
		{"redis", core.Config{Scheme: "redis", Hosts: []string{"h"}}, clients.ErrWrongBackend, nil},
		{"an option", core.Config{Scheme: "locmem", Options: map[string]string{"pool_size": "1"}}, clients.ErrUnknownOption, core.ErrInvalidParameter},
		{"file", core.Config{Scheme: "file", Path: "/tmp/x"}, clients.ErrNoGoClient, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lru.New[string, []byte](tt.cfg)
			var e *clients.Error
			if !errors.As(err, &e) || e.Package != "lru" || !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want a *clients.Error of package lru matching %v", err, tt.kind)
			}
			if tt.core != nil && !errors.Is(err, tt.core) {
				t.Errorf("err = %v, want it to match core's %v too", err, tt.core)
			}
		})
	}
	_, err := lru.New[string, []byte](core.Config{Scheme: "locmem", Options: map[string]string{"b": "1", "a": "2"}})
	var e *clients.Error
	if !errors.As(err, &e) || len(e.Options) != 2 || e.Options[0] != "a" {
		t.Errorf("unknown options: %v (Options %v), want the names, sorted", err, e.Options)
	}
}
