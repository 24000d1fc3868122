package core

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	t.Setenv("CACHE_URL", "")
	c, err := FromEnv("", "")
	if err != nil || c.Scheme != "locmem" || c.Path != "" {
		t.Errorf("unset: %s %v", dump(c), err)
	}
	c, err = FromEnv("", "memcached://127.0.0.1:11211")
	if err != nil || c.Scheme != "memcached" {
		t.Errorf("default: %s %v", dump(c), err)
	}
	t.Setenv("CACHE_URL", "redis://127.0.0.1:6379/0?key_prefix=site1")
	c, err = FromEnv("", "")
	if err != nil || c.KeyPrefix != "site1" {
		t.Errorf("set: %s %v", dump(c), err)
	}
	t.Setenv("HERP", "memcached://127.0.0.1:11211")
	c, err = FromEnv("HERP", "")
	if err != nil || c.Hosts[0] != "127.0.0.1:11211" {
		t.Errorf("HERP: %s %v", dump(c), err)
	}
	t.Setenv("BAD", "redis://:"+testPW+"@h/0?timeout=x")
	_, err = FromEnv("BAD", "")
	var ee *EnvError
	if !errors.As(err, &ee) || ee.Var != "BAD" || !errors.Is(err, ErrInvalidParameter) || strings.Contains(err.Error(), testPW) || !strings.HasPrefix(err.Error(), "BAD: ") {
		t.Errorf("bad: %v", err)
	}
}

func TestFromEnvStrict(t *testing.T) {
	t.Setenv("CACHE_URL", "  ")
	_, err := FromEnvStrict("")
	if !errors.Is(err, ErrNotSet) || !strings.Contains(err.Error(), "CACHE_URL environment variable is not set") {
		t.Errorf("strict unset: %v", err)
	}
	t.Setenv("CACHE_URL", "dummy://")
	if c, err := FromEnvStrict(""); err != nil || c.Backend != BackendDummy {
		t.Errorf("strict set: %v", err)
	}
}

func TestNamedFromEnv(t *testing.T) {
	got, err := NamedFromEnv([]string{"PATH=/bin", "SESSIONS_CACHE_URL=redis://h/1", "CACHE_URL=memcached://m", "EMPTY_CACHE_URL=", "_CACHE_URL=locmem://x", "CACHE_URLS=x"})
	if err != nil {
		t.Fatal(err)
	}
	// _CACHE_URL names no cache and CACHE_URLS is another variable: both ignored.
	if len(got) != 2 || got["default"].Scheme != "memcached" || got["sessions"].DB != 1 {
		t.Errorf("got %v", got)
	}
	got, err = NamedFromEnv([]string{"A_CACHE_URL=locmem://"})
	if err != nil || got["default"].Scheme != "locmem" || got["a"].Scheme != "locmem" {
		t.Errorf("default fallback: %v %v", got, err)
	}
	_, err = NamedFromEnv([]string{"FOO_CACHE_URL=locmem://", "foo_CACHE_URL=dummy://"})
	if !errors.Is(err, ErrDuplicateParameter) {
		t.Errorf("duplicate: %v", err)
	}
	_, err = NamedFromEnv([]string{"X_CACHE_URL=redsi://:" + testPW + "@h"})
	var ee *EnvError
	if !errors.As(err, &ee) || ee.Var != "X_CACHE_URL" || strings.Contains(err.Error(), testPW) {
		t.Errorf("bad: %v", err)
	}
}

// secretDir returns a temporary directory with the files of files (name to
// content), a directory "dir" and a dangling symlink "dangling".
func secretDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "dir"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func mapEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestEnvURL(t *testing.T) {
	dir := secretDir(t, map[string]string{
		"url":      "  redis://:" + testPW + "@cache:6379/1?timeout=60 \n",
		"nopw":     "redis://cache/1\n",
		"password": testPW + "\n",
		"empty":    " \n\t\n",
		"long":     strings.Repeat("x", MaxSecretFile+1),
	})
	f := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name       string
		vars       map[string]string
		env, def   string
		wantURL    string
		wantSource string
	}{
		{"CACHE_URL", map[string]string{"CACHE_URL": " dummy:// "}, "", "", "dummy://", "CACHE_URL"},
		{"CACHE_URL_FILE, trimmed", map[string]string{"CACHE_URL_FILE": f("url")}, "", "",
			"redis://:" + testPW + "@cache:6379/1?timeout=60", "CACHE_URL_FILE"},
		{"path trimmed", map[string]string{"CACHE_URL_FILE": " " + f("url") + "\n"}, "", "",
			"redis://:" + testPW + "@cache:6379/1?timeout=60", "CACHE_URL_FILE"},
		{"blank _FILE is unset", map[string]string{"CACHE_URL": "dummy://", "CACHE_URL_FILE": " "}, "", "", "dummy://", "CACHE_URL"},
		{"unset, default", nil, "", "memcached://m", "memcached://m", ""},
		{"unset, no default", nil, "", "", "", ""},
		{"custom variable's file", map[string]string{"APP_CACHE_FILE": f("nopw")}, "APP_CACHE", "", "redis://cache/1", "APP_CACHE_FILE"},
		{"CACHE_PASSWORD", map[string]string{"CACHE_URL": "redis://cache/1", "CACHE_PASSWORD": testPW}, "", "",
			"redis://:" + testPW + "@cache/1", "CACHE_URL"},
		{"CACHE_PASSWORD_FILE", map[string]string{"CACHE_URL_FILE": f("nopw"), "CACHE_PASSWORD_FILE": f("password")}, "", "",
			"redis://:" + testPW + "@cache/1", "CACHE_URL_FILE"},
		{"password beside a username", map[string]string{"CACHE_URL": "rediss://app@cache", "CACHE_PASSWORD": "p@ss:w/rd#?%"}, "", "",
			"rediss://app:p%40ss%3Aw%2Frd%23%3F%25@cache/0", "CACHE_URL"},
		{"password of the default URL", map[string]string{"CACHE_PASSWORD": "pw"}, "", "redis://cache", "redis://:pw@cache/0", ""},
		{"redis socket: the password option", map[string]string{"CACHE_URL": "redis:///run/r.sock", "CACHE_PASSWORD": "pw"}, "", "",
			"redis:///run/r.sock?password=pw", "CACHE_URL"},
		{"named variable's password", map[string]string{"SESSIONS_CACHE_URL": "memcached://m", "SESSIONS_CACHE_PASSWORD": "pw", "CACHE_PASSWORD": "other"},
			"SESSIONS_CACHE_URL", "", "memcached://:pw@m", "SESSIONS_CACHE_URL"},
		{"REDIS_URL has no password variable", map[string]string{"REDIS_URL": "redis://:a@cache", "REDIS_PASSWORD": "b", "CACHE_PASSWORD": "c"},
			"REDIS_URL", "", "redis://:a@cache", "REDIS_URL"},
		{"an invalid URL is left for Parse", map[string]string{"CACHE_URL": "redis://cache:0", "CACHE_PASSWORD": "pw"}, "", "",
			"redis://cache:0", "CACHE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, source, err := EnvURL(mapEnv(tt.vars), tt.env, tt.def)
			if err != nil || url != tt.wantURL || source != tt.wantSource {
				t.Errorf("EnvURL = %q, %q, %v; want %q, %q", url, source, err, tt.wantURL, tt.wantSource)
			}
			if err == nil && tt.wantURL != "" && !strings.HasSuffix(tt.name, "Parse") {
				if _, err := Parse(url); err != nil {
					t.Errorf("Parse(%q): %v", url, err)
				}
			}
		})
	}
}

func TestEnvURLErrors(t *testing.T) {
	dir := secretDir(t, map[string]string{
		"empty": "\n",
		"long":  strings.Repeat("x", MaxSecretFile+1),
		"pw":    testPW,
	})
	f := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name    string
		vars    map[string]string
		def     string
		kind    *Kind
		fsErr   error  // matched with errors.Is when not nil
		varName string // EnvError.Var
		path    string // EnvError.Path
		msg     []string
	}{
		{"both set", map[string]string{"CACHE_URL": "dummy://", "CACHE_URL_FILE": f("pw")}, "", ErrDuplicateParameter, nil,
			"CACHE_URL", "", []string{"CACHE_URL and CACHE_URL_FILE are both set"}},
		{"missing file", map[string]string{"CACHE_URL_FILE": f("missing")}, "", ErrInvalidPath, fs.ErrNotExist,
			"CACHE_URL_FILE", f("missing"), []string{"CACHE_URL_FILE: ", strconv.Quote(f("missing")), "no such file or directory"}},
		{"dangling symlink", map[string]string{"CACHE_URL_FILE": f("dangling")}, "", ErrInvalidPath, fs.ErrNotExist,
			"CACHE_URL_FILE", f("dangling"), []string{strconv.Quote(f("dangling")), "cannot be read"}},
		{"a directory", map[string]string{"CACHE_URL_FILE": dir + "/dir"}, "", ErrInvalidPath, nil,
			"CACHE_URL_FILE", dir + "/dir", []string{strconv.Quote(dir + "/dir"), "is a directory"}},
		{"empty file", map[string]string{"CACHE_URL_FILE": f("empty")}, "", ErrNotSet, nil,
			"CACHE_URL_FILE", f("empty"), []string{"is empty"}},
		{"file too long", map[string]string{"CACHE_URL_FILE": f("long")}, "", ErrTooLong, nil,
			"CACHE_URL_FILE", f("long"), []string{"longer than 65536 bytes"}},
		{"password file missing", map[string]string{"CACHE_URL": "redis://h", "CACHE_PASSWORD_FILE": f("missing")}, "", ErrInvalidPath, fs.ErrNotExist,
			"CACHE_PASSWORD_FILE", f("missing"), []string{"CACHE_PASSWORD_FILE: cacheurl: the file "}},
		{"both password variables", map[string]string{"CACHE_URL": "redis://h", "CACHE_PASSWORD": testPW, "CACHE_PASSWORD_FILE": f("pw")}, "", ErrDuplicateParameter, nil,
			"CACHE_PASSWORD", "", []string{"CACHE_PASSWORD and CACHE_PASSWORD_FILE are both set"}},
		{"password twice", map[string]string{"CACHE_URL": "redis://:" + testPW + "@h", "CACHE_PASSWORD_FILE": f("pw")}, "", ErrDuplicateParameter, nil,
			"CACHE_PASSWORD_FILE", "", []string{"the URL of CACHE_URL has a password and CACHE_PASSWORD_FILE is set"}},
		{"socket password twice", map[string]string{"CACHE_URL": "redis:///r.sock?password=" + testPW, "CACHE_PASSWORD": "x"}, "", ErrDuplicateParameter, nil,
			"CACHE_PASSWORD", "", []string{"has a password"}},
		{"a scheme without credentials", map[string]string{"CACHE_URL": "locmem://", "CACHE_PASSWORD": testPW}, "", ErrInvalidUserinfo, nil,
			"CACHE_PASSWORD", "", []string{"locmem:// takes no username or password"}},
		{"password without URL, no default", map[string]string{"CACHE_PASSWORD": testPW}, "", ErrNotSet, nil,
			"CACHE_URL", "", []string{"CACHE_URL environment variable is not set, but CACHE_PASSWORD is"}},
		{"password with the default URL", map[string]string{"CACHE_PASSWORD": testPW}, DefaultURL, ErrInvalidUserinfo, nil,
			"CACHE_PASSWORD", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := EnvURL(mapEnv(tt.vars), "", tt.def)
			var ee *EnvError
			var ce *Error
			switch {
			case !errors.As(err, &ee) || !errors.As(err, &ce):
				t.Fatalf("error %v (%T) is not an *EnvError wrapping an *Error", err, err)
			case !errors.Is(err, tt.kind):
				t.Errorf("error %v does not match %v", err, tt.kind.Code())
			case tt.fsErr != nil && !errors.Is(err, tt.fsErr):
				t.Errorf("error %v does not match %v", err, tt.fsErr)
			case ee.Var != tt.varName || ee.Path != tt.path:
				t.Errorf("Var, Path = %q, %q; want %q, %q", ee.Var, ee.Path, tt.varName, tt.path)
			case strings.Contains(err.Error(), testPW) || strings.Contains(ce.Input, testPW):
				t.Errorf("error shows the password: %v", err)
			case len(err.Error()) > 400:
				t.Errorf("message of %d bytes", len(err.Error()))
			}
			if !strings.HasPrefix(err.Error(), tt.varName+": cacheurl: ") {
				t.Errorf("message %q does not start with the variable", err)
			}
			for _, m := range tt.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("message %q does not contain %q", err, m)
				}
			}
			if tt.fsErr != nil {
				var pe *fs.PathError
				if !errors.As(err, &pe) || pe.Path != tt.path {
					t.Errorf("errors.As(*fs.PathError) = %v", pe)
				}
			}
		})
	}
}

func TestFromEnvFiles(t *testing.T) {
	dir := secretDir(t, map[string]string{"url": "redis://cache/2\n", "pw": testPW + "\n", "bad": "redis://:" + testPW + "@cache:99999"})
	t.Setenv("CACHE_URL", "")
	t.Setenv("CACHE_URL_FILE", filepath.Join(dir, "url"))
	t.Setenv("CACHE_PASSWORD_FILE", filepath.Join(dir, "pw"))
	for name, read := range map[string]func() (Config, error){
		"FromEnv":       func() (Config, error) { return FromEnv("", "") },
		"FromEnvStrict": func() (Config, error) { return FromEnvStrict("") },
	} {
		c, err := read()
		if err != nil || c.Password != testPW || c.DB != 2 || c.Hosts[0] != "cache:6379" {
			t.Errorf("%s: %s %v", name, dump(c), err)
		}
	}
	t.Setenv("CACHE_PASSWORD_FILE", "")
	t.Setenv("CACHE_URL_FILE", filepath.Join(dir, "bad"))
	for name, read := range map[string]func() (Config, error){
		"FromEnv":       func() (Config, error) { return FromEnv("", "") },
		"FromEnvStrict": func() (Config, error) { return FromEnvStrict("") },
	} {
		_, err := read()
		var ee *EnvError
		if !errors.As(err, &ee) || ee.Var != "CACHE_URL_FILE" || !errors.Is(err, ErrInvalidPort) || strings.Contains(err.Error(), testPW) {
			t.Errorf("%s: bad file: %v", name, err)
		}
	}
	t.Setenv("CACHE_URL_FILE", filepath.Join(dir, "dir"))
	if _, err := FromEnvStrict(""); !errors.Is(err, ErrInvalidPath) {
		t.Errorf("FromEnvStrict, a directory: %v", err)
	}
	t.Setenv("CACHE_URL_FILE", "")
	t.Setenv("CACHE_PASSWORD", testPW)
	if _, err := FromEnvStrict(""); !errors.Is(err, ErrNotSet) || strings.Contains(err.Error(), testPW) {
		t.Errorf("FromEnvStrict, password only: %v", err)
	}
}

func TestNamedFromEnvFiles(t *testing.T) {
	dir := secretDir(t, map[string]string{"sessions": "redis://cache/3\n", "pw": testPW})
	f := func(name string) string { return filepath.Join(dir, name) }
	got, err := NamedFromEnv([]string{
		"SESSIONS_CACHE_URL_FILE=" + f("sessions"), "SESSIONS_CACHE_PASSWORD_FILE=" + f("pw"),
		"CACHE_URL_FILE=" + f("sessions"), "CACHE_PASSWORD=other",
		"PAGES_CACHE_URL=memcached://m",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["sessions"].Password != testPW || got["sessions"].DB != 3 ||
		got["default"].Password != "other" || got["pages"].Backend != BackendMemcached {
		t.Errorf("got %v", got)
	}
	caches, err := NamedEnvURLs([]string{"SESSIONS_CACHE_URL_FILE=" + f("sessions")}, "", DefaultURL)
	want := []EnvCache{
		{Name: "default", Var: "CACHE_URL", Source: "", URL: DefaultURL},
		{Name: "sessions", Var: "SESSIONS_CACHE_URL", Source: "SESSIONS_CACHE_URL_FILE", URL: "redis://cache/3"},
	}
	if err != nil || !reflect.DeepEqual(caches, want) {
		t.Errorf("NamedEnvURLs = %+v, %v; want %+v", caches, err, want)
	}

	errs := []struct {
		name    string
		environ []string
		def     string
		kind    *Kind
		varName string
		cache   string
		msg     string
	}{
		{"password of no URL", []string{"X_CACHE_PASSWORD=" + testPW}, DefaultURL, ErrNotSet, "X_CACHE_URL", "x", "X_CACHE_URL environment variable is not set, but X_CACHE_PASSWORD is"},
		{"password file of no URL", []string{"X_CACHE_PASSWORD_FILE=" + f("pw")}, DefaultURL, ErrNotSet, "X_CACHE_URL", "x", "but X_CACHE_PASSWORD_FILE is"},
		{"variable and file", []string{"X_CACHE_URL=dummy://", "X_CACHE_URL_FILE=" + f("sessions")}, DefaultURL, ErrDuplicateParameter, "X_CACHE_URL", "x", "X_CACHE_URL and X_CACHE_URL_FILE are both set"},
		{"two names of one cache", []string{"FOO_CACHE_URL=dummy://", "foo_CACHE_URL_FILE=" + f("sessions")}, DefaultURL, ErrDuplicateParameter, "foo_CACHE_URL", "foo", "is set by both FOO_CACHE_URL and foo_CACHE_URL"},
		{"missing file", []string{"Y_CACHE_URL_FILE=" + f("missing")}, DefaultURL, ErrInvalidPath, "Y_CACHE_URL_FILE", "y", "Y_CACHE_URL_FILE: cacheurl: the file "},
		{"strict default", []string{"Y_CACHE_URL=dummy://"}, "", ErrNotSet, "CACHE_URL", "default", "CACHE_URL environment variable is not set"},
		{"first in variable order", []string{"B_CACHE_URL_FILE=" + f("missing"), "A_CACHE_URL=nope://"}, DefaultURL, ErrUnknownScheme, "A_CACHE_URL", "a", "unknown scheme"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			caches, err := NamedEnvURLs(tt.environ, "", tt.def)
			if tt.kind == ErrUnknownScheme {
				// NamedEnvURLs does not parse; NamedFromEnv does, in order.
				_, err = NamedFromEnv(tt.environ)
			}
			var ee *EnvError
			if !errors.As(err, &ee) || !errors.Is(err, tt.kind) || ee.Var != tt.varName || ee.Cache != tt.cache ||
				!strings.Contains(err.Error(), tt.msg) || strings.Contains(err.Error(), testPW) {
				t.Errorf("got %+v, %v; want %s from %s of cache %q, saying %q", caches, err, tt.kind.Code(), tt.varName, tt.cache, tt.msg)
			}
		})
	}
}
