package django

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/testserver/memcachedserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

// TestDjangoInterop runs a real Django (testdata/interop.py, Debian's
// python3-django 3.2 with django-redis, pymemcache and pylibmc) against a
// real redis-server and memcached, configured from the project's own
// Django view of the same CACHE_URL, for each backend whose values a Go
// service shares with Django:
//
//   - Django writes values and saves sessions (the cache and cached_db
//     engines); the cacheurl binary (get) and the library (Get, Session)
//     read them as the JSON of what Django itself reads back;
//   - the cacheurl binary (set) and the library (Set) write values that
//     Django reads as the equal Python value, of the same types;
//     Django's incr on an int Go wrote gives 43 from 42;
//   - a pickle whose loading runs a command is refused by both readers, and
//     the command's marker file never appears (the same payload loaded by
//     Python does create its control file).
//
// The Python side runs twice per backend (write, then read). It skips
// without Python, Django or a server, and fails instead with
// CACHEURL_REQUIRE_SERVERS=1.
func TestDjangoInterop(t *testing.T) {
	py := python(t)
	bin := buildCLI(t)
	backends := []struct {
		name  string
		start func(t *testing.T) string // the URL
	}{
		{"django-redis", func(t *testing.T) string {
			s := redisserver.Start(t, redisserver.Config{Password: "s3cret"})
			return "redis://:s3cret@" + s.Addr + "/0?lib=django-redis&key_prefix=shop&version=2"
		}},
		{"PyMemcacheCache", func(t *testing.T) string {
			return "pymemcache://" + memcachedserver.Start(t).Address() + "?key_prefix=shop&version=2"
		}},
		{"PyLibMCCache", func(t *testing.T) string {
			return "memcached://" + memcachedserver.Start(t).Address() + "?key_prefix=shop&version=2"
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			it := &interop{t: t, py: py, bin: bin, url: b.start(t), dir: t.TempDir()}
			it.run()
		})
	}
}

type interop struct {
	t        *testing.T
	py, bin  string
	url, dir string
	cfg      core.Config
	c        *Cache
	timings  []string
}

func (it *interop) timed(what string, f func()) {
	start := time.Now()
	f()
	it.timings = append(it.timings, fmt.Sprintf("%s %v", what, time.Since(start).Round(time.Millisecond)))
}

func (it *interop) run() {
	t := it.t
	var err error
	if it.cfg, err = core.Parse(it.url); err != nil {
		t.Fatal(err)
	}
	if it.c, err = OpenConfig(context.Background(), it.cfg); err != nil {
		t.Fatal(err)
	}
	defer it.c.Close()
	start := time.Now()
	it.djangoWrites()
	it.goWrites()
	t.Logf("%s: %v (%s)", it.cfg.Redacted(), time.Since(start).Round(time.Millisecond), strings.Join(it.timings, ", "))
}

// python runs interop.py in mode with req (the CACHES entry added) and
// decodes its output into out.
func (it *interop) python(mode string, req map[string]any, out any) {
	t := it.t
	t.Helper()
	entry, err := it.cfg.Django()
	if err != nil {
		t.Fatal(err)
	}
	req["caches"], req["dir"] = entry, it.dir
	in, _ := json.Marshal(req)
	cmd := exec.Command(it.py, "testdata/interop.py", mode)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("interop.py %s: %v\n%s", mode, err, stderr.String())
	}
	var missing struct{ Missing string }
	if json.Unmarshal(data, &missing) == nil && missing.Missing != "" {
		skipOrFail(t, "a Python module is missing: "+missing.Missing)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("interop.py %s output: %v: %.300s", mode, err, data)
	}
}

// cli runs the cacheurl binary with CACHE_URL set.
func (it *interop) cli(stdin string, args ...string) (stdout, stderr string, status int) {
	it.t.Helper()
	cmd := exec.Command(it.bin, args...)
	cmd.Env = []string{"CACHE_URL=" + it.url, "PATH=" + os.Getenv("PATH")}
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			it.t.Fatalf("cacheurl %s: %v", args[0], err)
		}
		status = exit.ExitCode()
	}
	return o.String(), e.String(), status
}

// checkGet reads key with the binary and the library and compares with the
// JSON Django's own reading renders as.
func (it *interop) checkGet(label, key, want string) {
	t := it.t
	t.Helper()
	out, errOut, status := it.cli("", "get", key)
	if status != 0 {
		t.Errorf("%s: cacheurl get exited %d: %s", label, status, errOut)
	} else if !sameJSON(out, want) {
		t.Errorf("%s: cacheurl get printed %.300q, want %.300q", label, out, want)
	}
	v, err := it.c.Get(context.Background(), key)
	if err != nil {
		t.Errorf("%s: Get: %v", label, err)
		return
	}
	if got, _ := ToJSON(v); string(got) != want {
		t.Errorf("%s: Get read %.300s, want %.300s", label, got, want)
	}
}

// sameJSON reports whether the CLI's output is one line of want: byte for
// byte when want has nothing unprintable, else the same JSON value with the
// unprintable characters escaped.
func sameJSON(out, want string) bool {
	line, ok := strings.CutSuffix(out, "\n")
	if !ok || !printable(line) {
		return false
	}
	if line == want || printable(want) {
		return line == want
	}
	a, b := decodeNumbers(line), decodeNumbers(want)
	return a != nil && reflect.DeepEqual(a, b)
}

// PrintableText reports whether s has no character ToPrintableJSON
// escapes, but for '"' and '\\' (for the tests of package django_test).
var PrintableText = printable

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= utf8.RuneSelf && !strconv.IsPrint(r) {
			return false
		}
	}
	return true
}

func decodeNumbers(s string) any {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

func (it *interop) djangoWrites() {
	t := it.t
	marker := filepath.Join(it.dir, "pwned")
	control := filepath.Join(it.dir, "control")
	var w struct {
		Cases []struct {
			Name, Key, JSON, Type string
		}
		Sessions map[string]struct {
			SessionKey string `json:"session_key"`
			CacheKey   string `json:"cache_key"`
		}
		Exploit string
	}
	it.timed("python write", func() {
		it.python("write", map[string]any{"marker": marker, "control": control}, &w)
	})
	if len(w.Cases) < 20 || len(w.Sessions) != 2 {
		t.Fatalf("interop.py write: %d cases, %d sessions", len(w.Cases), len(w.Sessions))
	}
	if _, err := os.Stat(control); err != nil {
		t.Fatalf("the exploit's payload is not live (Python's own loading did not create the control file): %v", err)
	}
	it.timed(fmt.Sprintf("read %d values", len(w.Cases)), func() {
		keys := make([]string, len(w.Cases))
		for i, c := range w.Cases {
			it.checkGet("Django wrote "+c.Name+" ("+c.Type+")", c.Key, c.JSON)
			keys[i] = c.Key
		}
		// The same values in one round trip.
		got, err := it.c.GetMany(context.Background(), append(keys, "w:absent"))
		if err != nil || len(got) != len(keys) {
			t.Fatalf("GetMany: %d values, %v", len(got), err)
		}
		for _, c := range w.Cases {
			if line, _ := ToJSON(got[c.Key]); string(line) != c.JSON {
				t.Errorf("GetMany[%s] = %.200s, want %.200s", c.Key, line, c.JSON)
			}
		}
	})
	const session = `{"cart":[1,2],"name":"Zoë","user_id":42}`
	it.timed("read sessions", func() {
		for engine, s := range w.Sessions {
			e := map[string]SessionEngine{"cache": CacheSessions, "cached_db": CachedDBSessions}[engine]
			key, _ := e.SessionKey(s.SessionKey)
			if key != s.CacheKey {
				t.Errorf("%s: SessionKey = %q, Django's cache_key is %q", engine, key, s.CacheKey)
			}
			it.checkGet("the "+engine+" session", key, session)
			m, err := it.c.Session(context.Background(), e, s.SessionKey)
			if got, _ := ToJSON(m); err != nil || string(got) != session {
				t.Errorf("%s: Session = %s, %v", engine, got, err)
			}
			var into struct {
				UserID int64  `json:"user_id"`
				Cart   []int  `json:"cart"`
				Name   string `json:"name"`
			}
			if err := it.c.GetInto(context.Background(), key, &into); err != nil || into.UserID != 42 || fmt.Sprint(into.Cart) != "[1 2]" || into.Name != "Zoë" {
				t.Errorf("%s: GetInto = %+v, %v", engine, into, err)
			}
		}
	})
	// The exploit: refused by name, by the binary and the library; nothing
	// runs.
	out, errOut, status := it.cli("", "get", w.Exploit)
	if status != 1 || out != "" || !strings.Contains(errOut, "posix.system") || !strings.Contains(errOut, "nothing was run") || strings.Contains(errOut, "s3cret") {
		t.Errorf("cacheurl get of the exploit: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	_, err := it.c.Get(context.Background(), w.Exploit)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "posix.system") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Get of the exploit: %v", err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the exploit's marker file exists: something ran the pickle (%v)", err)
	}
}

// goCase is a value Go writes and the Python value Django must read.
type goCase struct {
	name string
	json string // for cacheurl set, read by json.loads
	v    any    // for the library's Set
	py   string // the Python value, for v
	incr bool
}

func (it *interop) goWrites() {
	t := it.t
	long := strings.Repeat("é", 50_000)
	cli := []goCase{
		{name: "str_nonascii", json: `"Zoë ünïcödé ✓ 🎉 日本"`}, {name: "str_empty", json: `""`},
		{name: "str_escaped", json: `"tab\t nl\n \u001b[2J \u00e9 \ud83c\udf89"`},
		{name: "str_100k", json: `"` + long + `"`},
		{name: "int_42", json: "42", incr: true}, {name: "int_2**80", json: "1208925819614629174706176"},
		{name: "int_neg", json: "-17"}, {name: "float", json: "1.5"}, {name: "float_whole", json: "3.0"},
		{name: "true", json: "true"}, {name: "false", json: "false"}, {name: "none", json: "null"},
		{name: "list", json: `[1, "two", 3.0, null, true]`},
		{name: "dict_nested", json: `{"a": {"b": {"c": [1, {"d": null}]}}, "e": [], "f": {"g": 1208925819614629174706176}}`},
		{name: "dict_empty", json: "{}"},
	}
	big80 := new(big.Int).Lsh(big.NewInt(1), 80)
	lib := []goCase{
		{name: "str_nonascii", v: "Zoë ünïcödé ✓ 🎉 日本", py: `"Zoë ünïcödé ✓ 🎉 日本"`},
		{name: "str_empty", v: "", py: `""`},
		{name: "str_100k", v: long, py: `"é" * 50000`},
		{name: "int_42", v: 42, py: "42", incr: true},
		{name: "int_2**80", v: big80, py: "1208925819614629174706176"},
		{name: "int_neg", v: int8(-17), py: "-17"},
		{name: "float", v: 1.5, py: "1.5"}, {name: "float_whole", v: 3.0, py: "3.0"},
		{name: "true", v: true, py: "True"}, {name: "false", v: false, py: "False"}, {name: "none", v: nil, py: "None"},
		{name: "list", v: []any{1, "two", 3.0, nil, true}, py: `[1, "two", 3.0, None, True]`},
		{name: "tuple", v: Tuple{1, "a", Tuple{2, 3}}, py: `(1, "a", (2, 3))`},
		{name: "dict_nested", v: map[string]any{"a": map[string]any{"b": []any{1, map[string]any{"d": nil}}}, "e": []any{}},
			py: `{"a": {"b": [1, {"d": None}]}, "e": []}`},
		{name: "dict_empty", v: map[string]any{}, py: "{}"},
		{name: "dict_int_keys", v: map[int]string{1: "a", 2: "b"}, py: `{1: "a", 2: "b"}`},
		{name: "datetime_aware", v: time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC),
			py: "dt.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)"},
		{name: "datetime_offset", v: time.Date(2024, 7, 1, 12, 0, 0, 0, time.FixedZone("", 5*3600+1800)),
			py: "dt.datetime(2024, 7, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))"},
		{name: "datetime_naive", v: DateTime{Date: Date{2024, 1, 2}, Time: Time{Hour: 3, Minute: 4, Second: 5}},
			py: "dt.datetime(2024, 1, 2, 3, 4, 5)"},
		{name: "date", v: Date{2024, 2, 29}, py: "dt.date(2024, 2, 29)"},
		{name: "timedelta", v: 90*time.Minute + 5*time.Microsecond, py: "dt.timedelta(minutes=90, microseconds=5)"},
		{name: "decimal", v: Decimal("9.90"), py: `Decimal("9.90")`},
		{name: "set", v: Set{1, 2, 3}, py: "{1, 2, 3}"},
		{name: "frozenset", v: FrozenSet{"a"}, py: `frozenset({"a"})`},
		{name: "bytes", v: []byte("\x00\x01\xffraw"), py: `b"\x00\x01\xffraw"`},
		{name: "bytearray", v: ByteArray("ab"), py: `bytearray(b"ab")`},
		{name: "ordered", v: Dict{{Key: "b", Value: 1}, {Key: "a", Value: []any{2}}}, py: `{"b": 1, "a": [2]}`},
		{name: "struct", v: struct {
			UserID int    `json:"user_id"`
			Name   string `json:"name"`
			Cart   []int  `json:"cart"`
		}{42, "Zoë", []int{1, 2}}, py: `{"user_id": 42, "name": "Zoë", "cart": [1, 2]}`},
	}
	var cases []map[string]any
	it.timed(fmt.Sprintf("cacheurl set %d values", len(cli)), func() {
		for _, c := range cli {
			key := "cli:" + c.name
			args := []string{"set", key, c.json}
			stdin := ""
			if c.name == "str_100k" {
				args, stdin = []string{"set", "--ttl", "1h", key, "-"}, c.json
			}
			if _, errOut, status := it.cli(stdin, args...); status != 0 {
				t.Errorf("cacheurl set %s: exit %d: %s", c.name, status, errOut)
			}
			cases = append(cases, map[string]any{"key": key, "json": c.json, "incr": c.incr})
		}
	})
	it.timed(fmt.Sprintf("Set %d values", len(lib)), func() {
		for _, c := range lib {
			key := "lib:" + c.name
			if err := it.c.Set(context.Background(), key, c.v); err != nil {
				t.Errorf("Set %s: %v", c.name, err)
			}
			cases = append(cases, map[string]any{"key": key, "py": c.py, "incr": c.incr})
		}
	})
	// A batch: one round trip where the server has one, each value with
	// its own memcached flags.
	many := map[string]goCase{
		"many:str": {v: "Zoë", py: `"Zoë"`}, "many:int": {v: 42, py: "42"}, "many:bool": {v: true, py: "True"},
		"many:bytes": {v: []byte("raw"), py: `b"raw"`}, "many:dict": {v: map[string]any{"a": 1.5}, py: `{"a": 1.5}`},
	}
	it.timed("SetMany", func() {
		items := map[string]any{}
		for key, c := range many {
			items[key] = c.v
			cases = append(cases, map[string]any{"key": key, "py": c.py})
		}
		if err := it.c.SetMany(context.Background(), items); err != nil {
			t.Errorf("SetMany: %v", err)
		}
	})
	var r struct {
		Results []struct {
			Key, Got, Want, Type, Error string
			OK                          bool
			Incr                        *int64
		}
	}
	it.timed("python read", func() {
		it.python("read", map[string]any{"cases": cases, "pylibmc": it.cfg.Scheme == "memcached"}, &r)
	})
	if len(r.Results) != len(cases) {
		t.Fatalf("interop.py read: %d results for %d cases", len(r.Results), len(cases))
	}
	for i, res := range r.Results {
		if !res.OK {
			t.Errorf("Django read %s as %s (%s) %s, want %s", res.Key, res.Type, res.Got, res.Error, res.Want)
		}
		if cases[i]["incr"] == true && (res.Incr == nil || *res.Incr != 43) {
			t.Errorf("Django's incr of %s (42, set from Go): %v", res.Key, res.Incr)
		}
	}
	// The counters Django incremented read back as 43 from Go.
	for _, key := range []string{"cli:int_42", "lib:int_42"} {
		if out, errOut, status := it.cli("", "get", key); out != "43\n" || status != 0 {
			t.Errorf("cacheurl get %s after Django's incr: %q %s", key, out, errOut)
		}
		if n, err := it.c.Cache().Incr(context.Background(), key, 1); err != nil || n != 44 {
			t.Errorf("Incr %s after Django's incr: %d %v", key, n, err)
		}
	}
	if _, err := it.c.Get(context.Background(), "cli:absent"); err != cache.ErrNotFound {
		t.Errorf("a miss: %v", err)
	}
	if _, errOut, status := it.cli("", "get", "cli:absent"); status != 4 || !strings.Contains(errOut, `"shop:2:cli:absent"`) {
		t.Errorf("cacheurl get of a missing key: exit %d, %q", status, errOut)
	}
}

// buildCLI builds cmd/cacheurl once for the test binary.
func buildCLI(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		skipOrFail(t, "no go command to build cmd/cacheurl: "+err.Error())
	}
	out := filepath.Join(t.TempDir(), "cacheurl")
	cmd := exec.Command(goBin, "build", "-o", out, "github.com/cacheurl/cacheurl/cmd/cacheurl")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	return out
}
