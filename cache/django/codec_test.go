package django

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/importcheck"
)

func TestImports(t *testing.T) {
	importcheck.Only(t, "github.com/cacheurl/cacheurl/core", "github.com/cacheurl/cacheurl/clients", "github.com/cacheurl/cacheurl/cache", "github.com/cacheurl/cacheurl/internal/clientcfg")
}

// TestNewFollowsTheDjangoBackend: the codec is the one of the BACKEND the
// URL's Django view names.
func TestNewFollowsTheDjangoBackend(t *testing.T) {
	for _, tc := range []struct{ url, backend string }{
		{"redis://h/0", "django.core.cache.backends.redis.RedisCache"},
		{"rediss://:pw@h/0", "django.core.cache.backends.redis.RedisCache"},
		{"unix:///run/redis.sock", "django.core.cache.backends.redis.RedisCache"},
		{"redis://h/0?lib=django-redis", "django_redis.cache.RedisCache"},
		{"redis://h/0?lib=redis-cache", "redis_cache.RedisCache"},
		{"redis+sentinel://:pw@s1,s2/mymaster", "django_redis.cache.RedisCache"},
		{"redis+cluster://n1,n2", "django_redis.cache.RedisCache"},
		{"pymemcache://h", "django.core.cache.backends.memcached.PyMemcacheCache"},
		{"memcached://h", "django.core.cache.backends.memcached.PyLibMCCache"},
		{"pylibmc://h", "django.core.cache.backends.memcached.PyLibMCCache"},
		{"pymemcached://h", "django.core.cache.backends.memcached.MemcachedCache"},
		{"memcache://h", "django.core.cache.backends.memcached.MemcachedCache"},
		{"djangopylibmc://h", "django_pylibmc.memcached.PyLibMCCache"},
		{"elasticache://h", "django_elasticache.memcached.ElastiCache"},
		{"locmem://", "django.core.cache.backends.locmem.LocMemCache"},
		{"dummy://", "django.core.cache.backends.dummy.DummyCache"},
	} {
		if got := mustCodec(t, tc.url).Backend(); got != tc.backend {
			t.Errorf("New(%s).Backend() = %s, want %s", tc.url, got, tc.backend)
		}
	}
	if got := (&Codec{}).Backend(); got != djangoRedisCache {
		t.Errorf("zero Codec: %s", got)
	}
	for _, url := range []string{"file:///var/tmp/cache", "db://cache_table", "uwsgicache://default"} {
		cfg, err := core.Parse(url)
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(cfg)
		if !errors.Is(err, clients.ErrNoGoClient) {
			t.Errorf("New(%s): %v, want ErrNoGoClient", url, err)
		}
	}
	_, err := New(core.Config{Scheme: "nope", Password: "hunter2"})
	if !errors.Is(err, clients.ErrInvalidConfig) || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("unknown scheme: %v", err)
	}
}

// TestDecodeByFlags: the flags rules of each memcached client, from their
// sources (pymemcache's serde, pylibmc's _PylibMC_deserialize_native,
// python-memcached's _recv_value).
func TestDecodeByFlags(t *testing.T) {
	zipped := func(s string) []byte {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	pickled := []byte("\x80\x05K\x07.") // 7
	for _, tc := range []struct {
		url   string
		data  []byte
		flags uint32
		want  any
		kind  *clients.Kind
	}{
		{"pymemcache://h", []byte("raw"), 0, []byte("raw"), nil},
		{"pymemcache://h", []byte("Zoë"), 16, "Zoë", nil},
		{"pymemcache://h", []byte("42"), 2, int64(42), nil},
		{"pymemcache://h", []byte("42"), 4, int64(42), nil},
		{"pymemcache://h", pickled, 1, int64(7), nil},
		{"pymemcache://h", []byte("x"), 32, []byte("x"), nil},    // unknown bits: bytes
		{"pymemcache://h", []byte("42"), 18, "42", nil},          // text is tested first
		{"pymemcache://h", zipped("Zoë"), 24, nil, ErrMalformed}, // no zlib in pymemcache
		{"memcached://h", []byte("raw"), 0, []byte("raw"), nil},
		{"memcached://h", []byte("1"), 2, int64(1), nil}, // a bool, read as an int
		{"memcached://h", []byte("1208925819614629174706176"), 4, new(big.Int).Lsh(big.NewInt(1), 80), nil},
		{"memcached://h", []byte("Zoë"), 16, "Zoë", nil},
		{"memcached://h", zipped("Zoë"), 24, "Zoë", nil},
		{"memcached://h", zipped("raw"), 8, []byte("raw"), nil},
		{"memcached://h", []byte("x"), 32, []byte("x"), nil}, // other bits are masked
		{"memcached://h", []byte("x"), 3, nil, ErrMalformed}, // two types
		{"memcached://h", []byte("not zlib"), 8, nil, ErrMalformed},
		{"memcached://h", []byte("\xff"), 16, nil, ErrMalformed},
		{"memcached://h", []byte("4x"), 4, nil, ErrMalformed},
		{"memcached://h", []byte(strings.Repeat("9", 4301)), 4, nil, ErrTooLarge},
		{"pymemcached://h", zipped("42"), 10, int64(42), nil},
		{"pymemcached://h", []byte("x"), 32, nil, ErrMalformed},
	} {
		got, err := mustCodec(t, tc.url).Decode(tc.data, tc.flags)
		if tc.kind != nil {
			if !errors.Is(err, tc.kind) {
				t.Errorf("%s flags %d: %v, want %s", tc.url, tc.flags, err, tc.kind.Code())
			}
			continue
		}
		if err != nil || !equal(got, tc.want) {
			t.Errorf("%s flags %d: %#v, %v; want %#v", tc.url, tc.flags, got, err, tc.want)
		}
	}
}

// TestDecodeRedisInts: on redis, int text is what Python's int() reads.
func TestDecodeRedisInts(t *testing.T) {
	c := &Codec{}
	for in, want := range map[string]any{
		"42": int64(42), "-17": int64(-17), " 42\n": int64(42), "+7": int64(7), "1_000": int64(1000),
		"007": int64(7), "-0": int64(0), "\t\v\f\r 5 ": int64(5),
		"9223372036854775808":      new(big.Int).Lsh(big.NewInt(1), 63),
		strings.Repeat("9", 4300):  new(big.Int).Sub(tenPow(4300), big.NewInt(1)),
		"-9223372036854775808":     int64(-1 << 63),
		"123456789012345678901234": func() *big.Int { z, _ := new(big.Int).SetString("123456789012345678901234", 10); return z }(),
	} {
		got, err := c.Decode([]byte(in), 0)
		if err != nil || !equal(got, want) {
			t.Errorf("Decode(%q) = %#v, %v; want %#v", in, got, err, want)
		}
	}
	for in, kind := range map[string]*clients.Kind{
		"":                        ErrMalformed,
		"4__2":                    ErrMalformed,
		"_42":                     ErrMalformed,
		"42_":                     ErrMalformed,
		"0x1f":                    ErrMalformed,
		"4 2":                     ErrMalformed,
		"hello":                   ErrMalformed,
		strings.Repeat("9", 4301): ErrTooLarge,
		"\xfd7zXZ\x00rest":        ErrUnsupported,
		"\x28\xb5\x2f\xfdrest":    ErrUnsupported,
		"\x04\x22\x4d\x18rest":    ErrUnsupported,
	} {
		if _, err := c.Decode([]byte(in), 0); !errors.Is(err, kind) {
			t.Errorf("Decode(%.20q): %v, want %s", in, err, kind.Code())
		}
	}
}

// TestEncodeAsPythonClients: for every value oracle.py defines, Encode gives
// the flags the Python client gives, and for ints, text and bytes the very
// bytes (the rest are pickles, which the round-trip test reads back in
// Python); on redis django-redis's raw ints byte for byte.
func TestEncodeAsPythonClients(t *testing.T) {
	o := oracle(t)
	requireModules(t, o, "django_redis.client", "pymemcache.serde", "pylibmc")
	values := map[string]any{}
	for _, c := range o.Cases {
		if c.Writer == "pickle5" {
			data, _ := hex.DecodeString(c.Hex)
			v, err := unpickle(data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			values[c.Name] = v
		}
	}
	n := 0
	for _, c := range o.Cases {
		codec := codecForWriter(t, c.Writer)
		if codec == nil || strings.HasSuffix(c.Writer, "-zlib") || strings.HasSuffix(c.Writer, "gzip") {
			continue
		}
		data, flags, err := codec.Encode(values[c.Name])
		if err != nil {
			t.Errorf("%s %s: %v", c.Writer, c.Name, err)
			continue
		}
		want, _ := hex.DecodeString(c.Hex)
		if flags != c.Flags {
			t.Errorf("%s %s: flags %d, Python's %d", c.Writer, c.Name, flags, c.Flags)
		}
		isPickle := flags == flagPickle || (c.Writer == "django-redis" && bytes.HasPrefix(want, []byte{0x80}))
		if !isPickle && !bytes.Equal(data, want) {
			t.Errorf("%s %s: %.40q, Python's %.40q", c.Writer, c.Name, data, want)
		}
		n++
	}
	t.Logf("%d encodings compared with the Python clients'", n)
}

// TestSharedReferencesStayShared: a list the pickle memo references twice
// is one Go slice twice, as it is one Python list twice (og-rek returns the
// second reference empty).
func TestSharedReferencesStayShared(t *testing.T) {
	o := oracle(t)
	n := 0
	for _, c := range o.Cases {
		if c.Name != "shared_list" || !strings.HasPrefix(c.Writer, "pickle") {
			continue
		}
		in, _ := hex.DecodeString(c.Hex) // {"a": l, "b": l} with l = [1, 2]
		v, err := unpickle(in, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		m := v.(map[string]any)
		a, b := m["a"].([]any), m["b"].([]any)
		if len(a) != 2 || len(b) != 2 || &a[0] != &b[0] {
			t.Errorf("%s: a=%v b=%v: not one shared list", c.Writer, a, b)
		}
		n++
	}
	if n != 6 {
		t.Errorf("%d protocols", n)
	}
}

// equal is reflect.DeepEqual with *big.Int compared by value.
func equal(a, b any) bool {
	if za, ok := a.(*big.Int); ok {
		zb, ok := b.(*big.Int)
		return ok && za.Cmp(zb) == 0
	}
	return reflect.DeepEqual(a, b)
}

// TestEncodeRefuses: Go values with no Python equivalent.
func TestEncodeRefuses(t *testing.T) {
	type point struct{ X int }
	loop := []any{nil}
	loop[0] = loop
	for name, tc := range map[string]struct {
		v    any
		kind *clients.Kind
	}{
		"struct":            {point{1}, ErrUnsupported},
		"channel":           {make(chan int), ErrUnsupported},
		"func":              {func() {}, ErrUnsupported},
		"invalid UTF-8":     {"\xff", ErrUnsupported},
		"list as a key":     {Dict{{Key: []any{1}, Value: 1}}, ErrUnsupported},
		"set of a set":      {Set{Set{}}, ErrUnsupported},
		"map with bool key": {map[bool]int{true: 1}, ErrUnsupported},
		"cycle":             {loop, ErrTooLarge},
		"huge int":          {new(big.Int).Lsh(big.NewInt(1), 20000), ErrTooLarge},
		"invalid date":      {Date{2023, 2, 29}, ErrUnsupported},
		"bad decimal":       {Decimal("1.2.3"), ErrUnsupported},
		"bad json.Number":   {[]any{json.Number("01")}, ErrUnsupported},
	} {
		for _, url := range []string{"redis://h", "pymemcache://h", "memcached://h"} {
			if _, _, err := mustCodec(t, url).Encode(tc.v); !errors.Is(err, tc.kind) {
				t.Errorf("%s via %s: %v, want %s", name, url, err, tc.kind.Code())
			}
		}
		if _, err := ToJSON(tc.v); err == nil && name != "list as a key" && name != "set of a set" && name != "invalid date" && name != "huge int" {
			t.Errorf("ToJSON(%s): no error", name)
		}
	}
}
