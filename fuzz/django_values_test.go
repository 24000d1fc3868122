package fuzz

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cacheurl/cacheurl/cache/django"
	"github.com/cacheurl/cacheurl/core"
)

// fuzzLimits keep each input cheap: a compressed value decompresses to at
// most 64 KiB, and a value has at most 65,536 values as a tree.
var fuzzLimits = django.Limits{MaxBytes: 1 << 16, MaxNodes: 1 << 16, MaxDepth: 1000}

// djangoCodecs are one codec per value convention.
func djangoCodecs(tb testing.TB) []*django.Codec {
	var cs []*django.Codec
	for _, u := range []string{"redis://h/0?lib=django-redis", "redis://h/0", "pymemcache://h", "memcached://h", "pymemcached://h"} {
		cfg, err := core.Parse(u)
		if err != nil {
			tb.Fatal(err)
		}
		c, err := django.New(cfg)
		if err != nil {
			tb.Fatal(err)
		}
		c.Limits = fuzzLimits
		cs = append(cs, c)
	}
	return cs
}

// djangoSeedValues are Go values of every type the codec writes.
func djangoSeedValues() []any {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	return []any{
		nil, true, int64(42), int64(-17), new(big.Int).Lsh(big.NewInt(1), 80), 3.0, math.Inf(-1), "",
		"Zoë", []byte{0, 0xff}, django.ByteArray("ab"), []any{1, "two", []any{}},
		django.Tuple{1, django.Tuple{}}, map[string]any{"user_id": 42, "cart": []any{1, 2}, "name": "Zoë"},
		django.Dict{{Key: 1, Value: "a"}, {Key: django.Tuple{1, "x"}, Value: nil}},
		django.Set{1, "a"}, django.FrozenSet{2.5}, django.Date{Year: 2024, Month: 2, Day: 29},
		django.Time{Hour: 1, Microsecond: 5}, django.DateTime{Date: django.Date{Year: 1, Month: 1, Day: 1}},
		time.Date(2024, 7, 1, 12, 0, 0, 0, paris), -90 * time.Minute, django.Decimal("-1.50"),
	}
}

// djangoHostileSeeds are small versions of the hostile inputs package
// django's tests measure in full: a declared 4 GiB length, open MARKs, many
// digits, a memo chain and a memo doubling, classes outside plain data.
func djangoHostileSeeds() [][]byte {
	chain := []byte("\x80\x04]q\x00")
	for i := 0; i < 50; i++ {
		chain = append(chain, "]h\x00aq\x000"...)
	}
	doubling := []byte("\x80\x04K\x01q\x00")
	for i := 0; i < 30; i++ {
		doubling = append(doubling, "0h\x00h\x00\x86q\x00"...)
	}
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(bytes.Repeat([]byte{0}, 2<<20))
	w.Close()
	return [][]byte{
		[]byte("\x80\x04X\xff\xff\xff\xff"),
		bytes.Repeat([]byte("("), 4096),
		[]byte("I" + strings.Repeat("9", 5000) + "\n."),
		append(chain, "h\x00."...),
		append(doubling, '.'),
		[]byte("cos\nsystem\n(S'echo'\ntR."),
		[]byte("\x80\x04\x8c\x08builtins\x8c\x04eval\x93."),
		[]byte("\x80\x04}]K\x01s."),
		[]byte("(lp0\nI1\naL2L\naF2.5\naS'py2'\np1\naVZo\\u00eb\np2\na(dp3\ng1\ng2\nsa."),
		z.Bytes(),
	}
}

// FuzzDjangoValues feeds arbitrary bytes and flags to the codec of every
// value convention (redis, pymemcache, pylibmc, python-memcached). Decode
// must not panic, must cost time and memory in proportion to the input,
// and must fail only with a package django error of one of its kinds. A
// decoded value must render as JSON, and encoding it and decoding the
// result must give it back (decode → encode → decode is stable; pylibmc
// reads a bool back as an int, as Django does); those steps cost in
// proportion to the value as a tree, which the limits bound.
func FuzzDjangoValues(f *testing.F) {
	codecs := djangoCodecs(f)
	for _, v := range djangoSeedValues() {
		for _, c := range codecs {
			data, flags, err := c.Encode(v)
			if err != nil {
				f.Fatalf("seed %#v: %v", v, err)
			}
			f.Add(data, flags)
		}
	}
	for _, in := range djangoHostileSeeds() {
		f.Add(in, uint32(1))
		f.Add(in, uint32(9))
	}
	f.Fuzz(func(t *testing.T, data []byte, flags uint32) {
		if len(data) > 64<<10 {
			t.Skip()
		}
		defer watchdog(data).Stop()
		// Decoding costs time and memory in proportion to the input
		// (decompression may reach MaxBytes).
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		values := make([]any, len(codecs))
		errs := make([]error, len(codecs))
		for i, c := range codecs {
			values[i], errs[i] = c.Decode(data, flags)
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		n := uint64(len(codecs))
		if alloc, limit := after.TotalAlloc-before.TotalAlloc, n*uint64(3*fuzzLimits.MaxBytes+400*len(data)); alloc > limit {
			t.Fatalf("%d bytes in, %d allocated (limit %d)", len(data), alloc, limit)
		}
		if limit := time.Second + time.Duration(n)*time.Duration(len(data))*20*time.Microsecond; elapsed > limit {
			t.Fatalf("%d bytes in, %v (limit %v)", len(data), elapsed, limit)
		}
		// Rendering and encoding cost in proportion to the value as a tree,
		// which the limits bound (a small pickle may share a value through
		// its memo up to MaxNodes times).
		for i, c := range codecs {
			checkDjangoValue(t, c, values[i], errs[i])
		}
	})
}

func checkDjangoValue(t *testing.T, c *django.Codec, v any, err error) {
	if err != nil {
		var e *django.Error
		if !errors.As(err, &e) || e.Package != "django" ||
			!(errors.Is(err, django.ErrMalformed) || errors.Is(err, django.ErrUnsupported) || errors.Is(err, django.ErrTooLarge)) {
			t.Fatalf("%s: error %T %v is not a django error of a documented kind", c.Backend(), err, err)
		}
		return
	}
	line, err := django.ToJSON(v)
	if err != nil {
		t.Fatalf("%s: decoded %#v, but ToJSON: %v", c.Backend(), v, err)
	}
	checkPrintableJSON(t, v, line)
	checkInto(t, v)
	data2, flags2, err := c.Encode(v)
	if err != nil {
		t.Fatalf("%s: decoded %#v, but Encode: %v", c.Backend(), v, err)
	}
	v2, err := c.Decode(data2, flags2)
	if err != nil {
		t.Fatalf("%s: Decode(Encode(%#v)) = %q flags %d: %v", c.Backend(), v, data2, flags2, err)
	}
	want := v
	if b, ok := v.(bool); ok && strings.Contains(c.Backend(), "PyLibMC") {
		want = int64(0)
		if b {
			want = int64(1)
		}
	}
	if !sameDjangoValue(v2, want) {
		t.Fatalf("%s: decode → encode → decode is not stable:\n first  %#v\n second %#v", c.Backend(), want, v2)
	}
}

// sameDjangoValue is deep equality of decoded values: NaN equals NaN, ints
// by value, and times by instant and offset (a zone becomes a fixed offset
// when written, as documented).
func sameDjangoValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y && math.Signbit(x) == math.Signbit(y) || math.IsNaN(x) && math.IsNaN(y))
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	case time.Time:
		y, ok := b.(time.Time)
		_, ox := x.Zone()
		_, oy := y.Zone()
		return ok && x.Equal(y) && ox == oy
	case []any:
		y, ok := b.([]any)
		return ok && sameSeq(x, y)
	case django.Tuple:
		y, ok := b.(django.Tuple)
		return ok && sameSeq(x, y)
	case django.Set:
		y, ok := b.(django.Set)
		return ok && sameSeq(x, y)
	case django.FrozenSet:
		y, ok := b.(django.FrozenSet)
		return ok && sameSeq(x, y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !sameDjangoValue(xv, yv) {
				return false
			}
		}
		return true
	case django.Dict:
		y, ok := b.(django.Dict)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameDjangoValue(x[i].Key, y[i].Key) || !sameDjangoValue(x[i].Value, y[i].Value) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func sameSeq(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameDjangoValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

// checkPrintableJSON: ToPrintableJSON of a decoded value (what cacheurl get
// prints) has no character a terminal acts on, and is ToJSON's JSON but for
// escapes.
func checkPrintableJSON(t *testing.T, v any, line []byte) {
	p, err := django.ToPrintableJSON(v)
	if err != nil {
		t.Fatalf("ToPrintableJSON(%#v): %v (ToJSON did not fail)", v, err)
	}
	for _, r := range string(p) {
		if r < 0x20 || r == 0x7f || r >= utf8.RuneSelf && !strconv.IsPrint(r) {
			t.Fatalf("ToPrintableJSON wrote %U: %q", r, p)
		}
	}
	if len(p) < len(line) {
		t.Fatalf("ToPrintableJSON is shorter than ToJSON: %q, %q", p, line)
	}
	// NaN and Infinity, which json.dumps writes, are not encoding/json's.
	if bytes.Contains(line, []byte("NaN")) || bytes.Contains(line, []byte("Infinity")) {
		return
	}
	a, b := jsonValue(t, p), jsonValue(t, line)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("ToPrintableJSON %q and ToJSON %q are different values", p, line)
	}
}

func jsonValue(t *testing.T, b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %q", err, b)
	}
	return v
}

// checkInto: Into fills a struct, a map and a slice from any decoded value
// without panicking, or fails with a documented kind.
func checkInto(t *testing.T, v any) {
	var s struct {
		A int
		B []string
		C map[string]any
	}
	var m map[string]any
	var l []any
	for _, dst := range []any{&s, &m, &l} {
		if err := django.Into(v, dst); err != nil && !errors.Is(err, django.ErrType) && !errors.Is(err, django.ErrTooLarge) {
			t.Fatalf("Into(%#v, %T): %v is not of kind ErrType", v, dst, err)
		}
	}
}
