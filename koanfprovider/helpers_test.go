package koanfprovider_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/knadh/koanf/v2"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/koanfprovider"
)

// The providers satisfy koanf.Provider by shape, and *koanf.Koanf satisfies
// what Expand reads.
var (
	_ koanf.Provider      = (*koanfprovider.URLProvider)(nil)
	_ koanf.Provider      = (*koanfprovider.EnvProvider)(nil)
	_ koanf.Provider      = (*koanfprovider.ExpandProvider)(nil)
	_ koanfprovider.Koanf = (*koanf.Koanf)(nil)
)

// pw is the password used in the tests' URLs; no error may contain it.
const pw = "s3cr3tPW"

func intp(n int) *int { return &n }

// show renders a config for failure messages, password included (the
// printed forms of core.Config are redacted, which hides differences).
func show(c core.Config) string {
	b, err := json.Marshal(core.Reveal(c))
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

func wantConfig(t *testing.T, got, want core.Config) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("config:\n got %s\nwant %s", show(got), show(want))
	}
}

// asJSON is v as JSON (map keys sorted), for comparing what the providers
// return with plain values: the providers' values are of named string, int
// and bool types.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// load loads p into k with a nil parser and fails the test on error.
func load(t *testing.T, k *koanf.Koanf, p koanf.Provider) {
	t.Helper()
	if err := k.Load(p, nil); err != nil {
		t.Fatalf("Load: %v", err)
	}
}

// unmarshal decodes path with koanf's default Unmarshal.
func unmarshal(t *testing.T, k *koanf.Koanf, path string) core.Config {
	t.Helper()
	var c core.Config
	if err := k.Unmarshal(path, &c); err != nil {
		t.Fatalf("Unmarshal(%q): %v", path, err)
	}
	return c
}

// environ returns an EnvironFunc for the given variables.
func environ(kv ...string) func() []string {
	return func() []string { return append([]string(nil), kv...) }
}

// writeFile writes a file in a fresh temporary directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkError checks that err is an *koanfprovider.Error with key path key,
// matching kind, whose message starts with "koanfprovider: <key> (<code>): ",
// contains every string in contains, and never contains the password.
func checkError(t *testing.T, err error, key string, kind *core.Kind, contains ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s at %s", kind.Code(), key)
	}
	msg := err.Error()
	if strings.Contains(msg, pw) {
		t.Errorf("error contains the password: %s", msg)
	}
	var ke *koanfprovider.Error
	if !errors.As(err, &ke) {
		t.Fatalf("error %T is not a *koanfprovider.Error: %v", err, err)
	}
	if ke.Key != key {
		t.Errorf("Key = %q, want %q (%v)", ke.Key, key, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("errors.Is(err, %s) = false: %v", kind.Code(), err)
	}
	if prefix := "koanfprovider: " + key + " (" + kind.Code() + "): "; !strings.HasPrefix(msg, prefix) {
		t.Errorf("message %q does not start with %q", msg, prefix)
	}
	for _, s := range contains {
		if !strings.Contains(msg, s) {
			t.Errorf("message %q does not contain %q", msg, s)
		}
	}
}
