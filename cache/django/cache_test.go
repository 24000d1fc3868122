package django_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/cache/django"
)

func openLocmem(t *testing.T) *django.Cache {
	t.Helper()
	c, err := django.Open(context.Background(), "locmem://?key_prefix=p")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestCacheRoundTrip: what Set stores, Get reads back, for every kind of
// value; GetMany and SetMany agree with them; the bytes are the codec's.
func TestCacheRoundTrip(t *testing.T) {
	ctx := context.Background()
	c := openLocmem(t)
	big80 := new(big.Int).Lsh(big.NewInt(1), 80)
	values := map[string]any{
		"none": nil, "true": true, "int": int64(42), "big": big80, "neg": int64(-17),
		"float": 3.0, "str": "Zoë", "empty": "", "bytes": []byte{0, 1, 255},
		"list":  []any{int64(1), "two", nil},
		"tuple": django.Tuple{int64(1), "a"},
		"dict":  map[string]any{"a": map[string]any{"b": []any{}}},
		"set":   django.Set{int64(1)}, "dec": django.Decimal("9.90"),
		"when": time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC),
	}
	for k, v := range values {
		if err := c.Set(ctx, k, v); err != nil {
			t.Fatalf("Set(%s): %v", k, err)
		}
		got, err := c.Get(ctx, k)
		if err != nil {
			t.Fatalf("Get(%s): %v", k, err)
		}
		want, _ := django.ToJSON(v)
		line, _ := django.ToJSON(got)
		if string(line) != string(want) || reflect.TypeOf(got) != reflect.TypeOf(v) && k != "big" {
			t.Errorf("%s: got %T %s, want %T %s", k, got, line, v, want)
		}
		data, flags, _ := c.Codec().Encode(v)
		if raw, _ := c.Cache().GetItem(ctx, k); string(raw.Value) != string(data) || raw.Flags != 0 {
			t.Errorf("%s: stored %q, want the codec's %q (flags %d)", k, raw.Value, data, flags)
		}
	}
	if err := c.SetMany(ctx, map[string]any{"m1": "a", "m2": int64(2)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetMany(ctx, []string{"m1", "m2", "int", "absent"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[string]any{"m1": "a", "m2": int64(2), "int": int64(42)}) {
		t.Errorf("GetMany = %#v", got)
	}
	if ok, err := c.Add(ctx, "str", "other"); ok || err != nil {
		t.Errorf("Add on a present key: %v %v", ok, err)
	}
	if ok, err := c.Add(ctx, "new", "v"); !ok || err != nil {
		t.Errorf("Add on an absent key: %v %v", ok, err)
	}
	if _, err := c.Get(ctx, "absent"); err != cache.ErrNotFound {
		t.Errorf("a miss: %v", err)
	}
	// A version view reads and writes another key.
	if err := c.Version(3).Set(ctx, "str", "v3"); err != nil {
		t.Fatal(err)
	}
	if raw, err := c.Cache().Version(3).Get(ctx, "str"); err != nil || !strings.Contains(string(raw), "v3") {
		t.Errorf("version 3: %q %v", raw, err)
	}
}

// TestCacheErrors: a value that is not plain data, one that cannot be
// encoded, a batch: typed errors naming the operation and the cache, never
// the data.
func TestCacheErrors(t *testing.T) {
	ctx := context.Background()
	c := openLocmem(t)
	exploit := "\x80\x04\x95#\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\x08rm -rf ~\x94\x85\x94R\x94."
	_ = c.Cache().Set(ctx, "evil", []byte(exploit))
	_ = c.Set(ctx, "ok", "fine")
	_, err := c.Get(ctx, "evil")
	var e *django.Error
	if !errors.Is(err, django.ErrUnsupported) || !errors.As(err, &e) || e.Op != "get" || e.URL != "locmem://?key_prefix=p" {
		t.Fatalf("Get of an exploit: %#v", err)
	}
	if !strings.Contains(err.Error(), "posix.system") || strings.Contains(err.Error(), "rm -rf") {
		t.Errorf("message: %v", err)
	}
	_, err = c.GetMany(ctx, []string{"ok", "evil"})
	if !errors.Is(err, django.ErrUnsupported) || !strings.Contains(err.Error(), `get_many: the value of key "evil"`) {
		t.Errorf("GetMany: %v", err)
	}
	var dst map[string]any
	if err := c.GetInto(ctx, "evil", &dst); !errors.Is(err, django.ErrUnsupported) {
		t.Errorf("GetInto: %v", err)
	}
	err = c.Set(ctx, "ch", make(chan int))
	if !errors.Is(err, django.ErrUnsupported) || !strings.HasPrefix(err.Error(), "django: set: ") {
		t.Errorf("Set of a channel: %v", err)
	}
	err = c.SetMany(ctx, map[string]any{"a": 1, "b": "\xff"})
	if !errors.Is(err, django.ErrUnsupported) || !strings.Contains(err.Error(), `the value of key "b"`) {
		t.Errorf("SetMany: %v", err)
	}
	if _, err := c.Get(ctx, "a"); err != cache.ErrNotFound {
		t.Errorf("SetMany stored part of a failed batch: %v", err)
	}
	if _, err := django.Open(ctx, "file:///tmp/x"); !errors.Is(err, django.ErrUnsupported) && err == nil {
		t.Errorf("file://: %v", err)
	}
}

// TestSetStruct: a struct is stored as encoding/json marshals it, and
// GetInto reads it back.
func TestSetStruct(t *testing.T) {
	type line struct {
		SKU string `json:"sku"`
		Qty int    `json:"qty"`
	}
	type order struct {
		ID    int64             `json:"id"`
		Lines []line            `json:"lines"`
		Note  string            `json:"note,omitempty"`
		Meta  map[string]string `json:"meta"`
		Big   *big.Int          `json:"big"`
	}
	ctx := context.Background()
	c := openLocmem(t)
	in := order{ID: 7, Lines: []line{{"A-1", 2}}, Meta: map[string]string{"k": "v"}, Big: new(big.Int).Lsh(big.NewInt(1), 80)}
	for _, v := range []any{in, &in} {
		if err := c.Set(ctx, "order", v); err != nil {
			t.Fatal(err)
		}
		got, _ := c.Get(ctx, "order")
		line, _ := django.ToJSON(got)
		if want := `{"big":1208925819614629174706176,"id":7,"lines":[{"qty":2,"sku":"A-1"}],"meta":{"k":"v"}}`; string(line) != want {
			t.Errorf("stored %s, want %s", line, want)
		}
		var out order
		if err := c.GetInto(ctx, "order", &out); err != nil || !reflect.DeepEqual(out, in) {
			t.Errorf("GetInto = %+v, %v", out, err)
		}
	}
}

func TestInto(t *testing.T) {
	v := map[string]any{"n": new(big.Int).Lsh(big.NewInt(1), 80), "f": 2.5, "l": django.Tuple{int64(1)}, "b": []byte("hi"),
		"t": time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600)), "d": django.Decimal("1.50"), "nan": 0.0}
	var m map[string]any
	if err := django.Into(v, &m); err != nil {
		t.Fatal(err)
	}
	if m["n"] != json.Number("1208925819614629174706176") || m["f"] != json.Number("2.5") || m["d"] != "1.50" {
		t.Errorf("Into map: %#v", m)
	}
	var s struct {
		N big.Int   `json:"n"`
		B []byte    `json:"b"`
		T time.Time `json:"t"`
		L [1]int    `json:"l"`
	}
	if err := django.Into(v, &s); err != nil {
		t.Fatal(err)
	}
	if s.N.String() != "1208925819614629174706176" || string(s.B) != "hi" || !s.T.Equal(v["t"].(time.Time)) || s.L[0] != 1 {
		t.Errorf("Into struct: %+v", s)
	}
	var a any
	if err := django.Into(v, &a); err != nil || !reflect.DeepEqual(a, v) {
		t.Errorf("Into *any: %v", err)
	}
	for _, tc := range []struct {
		v    any
		dst  any
		want string
	}{
		{map[string]any{"age": "12345 secret"}, &struct {
			Age int `json:"age"`
		}{}, `"age" is a JSON string, which does not fit a Go int`},
		{3.5, new(int), "the value is a JSON number, which does not fit a Go int"},
		{map[string]any{"x": 1.0 / zero()}, &map[string]float64{}, "a float NaN or infinity has no encoding/json form"},
		{"2024-01-02T03:04:05 secret", new(time.Time), "the decoding of a part of it"},
		{1, nil, "Into needs a non-nil pointer"},
		{1, map[string]any{}, "Into needs a non-nil pointer"},
	} {
		err := django.Into(tc.v, tc.dst)
		if !errors.Is(err, django.ErrType) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "3.5") {
			t.Errorf("Into(%v, %T) = %v, want %q", tc.v, tc.dst, err, tc.want)
		}
	}
}

func zero() float64 { return 0 }

func TestSession(t *testing.T) {
	ctx := context.Background()
	c := openLocmem(t)
	for _, tc := range []struct {
		engine django.SessionEngine
		prefix string
	}{{django.CacheSessions, "django.contrib.sessions.cache"}, {django.CachedDBSessions, "django.contrib.sessions.cached_db"}} {
		key, ok := tc.engine.SessionKey("abcdefgh12345678")
		if !ok || key != tc.prefix+"abcdefgh12345678" {
			t.Errorf("%s: SessionKey = %q %v", tc.engine, key, ok)
		}
		_ = c.Set(ctx, key, map[string]any{"user_id": 42})
		s, err := c.Session(ctx, tc.engine, "abcdefgh12345678")
		if err != nil || s["user_id"] != int64(42) {
			t.Errorf("%s: Session = %v %v", tc.engine, s, err)
		}
	}
	// Django ignores a session key of fewer than 8 characters.
	short, _ := django.CacheSessions.SessionKey("abcdefg")
	_ = c.Set(ctx, short, map[string]any{"user_id": 1})
	if _, err := c.Session(ctx, django.CacheSessions, "abcdefg"); err != cache.ErrNotFound {
		t.Errorf("a 7-character session key: %v", err)
	}
	if _, err := c.Session(ctx, django.CacheSessions, "nosuchsession"); err != cache.ErrNotFound {
		t.Errorf("a missing session: %v", err)
	}
	for _, v := range []any{[]any{1}, "s3ss10nsecret", django.Dict{{Key: int64(1), Value: 2}}} {
		key, _ := django.CacheSessions.SessionKey("s3ss10nkey")
		_ = c.Set(ctx, key, v)
		_, err := c.Session(ctx, django.CacheSessions, "s3ss10nkey")
		if !errors.Is(err, django.ErrType) || strings.Contains(err.Error(), "s3ss10n") {
			t.Errorf("a session of %T: %v", v, err)
		}
	}
	_, err := c.Session(ctx, "django.contrib.sessions.backends.db", "abcdefgh12345678")
	if !errors.Is(err, django.ErrUnsupported) {
		t.Errorf("the db engine: %v", err)
	}
	if _, ok := django.SessionEngine("django.contrib.sessions.backends.signed_cookies").SessionKey("k"); ok {
		t.Error("signed_cookies keeps no sessions in a cache")
	}
}

// TestToPrintableJSON: the same JSON value as ToJSON, with nothing a
// terminal acts on: every rune of the output is printable ASCII or
// strconv.IsPrint.
func TestToPrintableJSON(t *testing.T) {
	strs := []string{"", "plain", "Zoë ✓ 🎉 日本", "\x00\x1b[31mred\x7f", "\u0085\u009b2J", "a\u202eb\u2066c\u200bd\u200de\ufeff",
		"\u2028\u2029", "\U000e0001tag\U000f0000pua", "\ufffd", `"quoted" \ back`, "tab\tnl\n", "\u00a0nbsp", "\u0378unassigned"}
	for _, s := range strs {
		v := map[string]any{s: []any{s, django.Dict{{Key: s, Value: s}}}}
		want, err := django.ToJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := django.ToPrintableJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("%q: %v", got, err)
		}
		_ = json.Unmarshal(want, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%q: ToPrintableJSON %s is not ToJSON's value %s", s, got, want)
		}
		for i, r := range string(got) {
			if !django.PrintableText(string(r)) {
				t.Errorf("%q: unprintable %U at %d of %q", s, r, i, got)
			}
		}
		if django.PrintableText(s) && string(got) != string(want) {
			t.Errorf("%q: a printable string changed: %s, want %s", s, got, want)
		}
	}
	// Not UTF-8: an error, as for ToJSON.
	if _, err := django.ToPrintableJSON("\xff"); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}
