package django

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"io"
	"math/big"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/clientcfg"
)

// convention is how a Django backend's client stores a value.
type convention uint8

const (
	// redis: an int that is not a bool as decimal text, anything else
	// pickled; zlib or gzip compression detected as django-redis does.
	convRedis convention = iota
	// pymemcache's serde: flags 0 bytes, 1 pickle, 2 int, 16 text.
	convPyMemcache
	// pylibmc 1.6: 0 bytes, 1 pickle, 2 bool as int, 4 int, 16 text, 8
	// zlib.
	convPyLibMC
	// python-memcached: as pymemcache, plus 8 zlib.
	convPythonMemcached
)

const djangoRedisCache = "django.core.cache.backends.redis.RedisCache"

// backends maps a Django BACKEND class to its value convention and the
// pickle protocol its client writes (the readers take any protocol).
var backends = map[string]struct {
	conv  convention
	proto int
}{
	// Django's RedisSerializer: pickle.HIGHEST_PROTOCOL.
	djangoRedisCache: {convRedis, 5},
	// django-redis's PickleSerializer: pickle.DEFAULT_PROTOCOL.
	"django_redis.cache.RedisCache": {convRedis, 4},
	// django-redis-cache: PICKLE_VERSION -1, the highest.
	"redis_cache.RedisCache": {convRedis, 5},
	// Django sets pymemcache's pickle_serde (HIGHEST_PROTOCOL).
	"django.core.cache.backends.memcached.PyMemcacheCache": {convPyMemcache, 5},
	// pylibmc's pickle protocol is -1, the highest.
	"django.core.cache.backends.memcached.PyLibMCCache": {convPyLibMC, 5},
	"django_pylibmc.memcached.PyLibMCCache":             {convPyLibMC, 5},
	"django_elasticache.memcached.ElastiCache":          {convPyLibMC, 5},
	// Django passes pickleProtocol=HIGHEST_PROTOCOL to python-memcached.
	"django.core.cache.backends.memcached.MemcachedCache": {convPythonMemcached, 5},
	// In-process caches are not shared with Django: values are stored as
	// on redis, so counters stay decimal text.
	"django.core.cache.backends.locmem.LocMemCache": {convRedis, 5},
	"django.core.cache.backends.dummy.DummyCache":   {convRedis, 5},
}

// Codec reads and writes cache values as the Django backend of one
// CACHE_URL does. The zero Codec follows Django's own RedisCache
// (django.core.cache.backends.redis.RedisCache). A Codec is safe for
// concurrent use; set Limits before sharing it.
type Codec struct {
	// Limits bound what Decode accepts (the zero value: the defaults).
	Limits Limits

	backend string
	conv    convention
	proto   int
	// url is the config's redacted URL, for the errors of a [Cache].
	url string
}

// New returns the codec for the Django backend a config means, as the
// config's Django view names it (its BACKEND, so lib=django-redis selects
// django-redis): redis, rediss, hiredis, valkey, unix and Sentinel and
// Cluster URLs (which Django only reaches through django-redis) use the
// redis rules, pymemcache:// PyMemcacheCache's, memcached:// and pylibmc://
// PyLibMCCache's (pylibmc), pymemcached:// and memcache:// MemcachedCache's
// (python-memcached); locmem and dummy, which Django never shares, store
// values as on redis. file://, db:// and uwsgicache:// give an error of kind
// [clients.ErrNoGoClient].
func New(cfg core.Config) (*Codec, error) {
	cfg, err := clientcfg.Normalize(pkgName, cfg)
	if err != nil {
		return nil, err
	}
	backend := ""
	if view, err := cfg.Django(); err == nil {
		backend, _ = view["BACKEND"].(string)
	}
	if backend == "" {
		// Sentinel and Cluster, which Django reaches through django-redis.
		backend = "django_redis.cache.RedisCache"
	}
	b, ok := backends[backend]
	if !ok {
		return nil, &Error{Package: pkgName, Kind: clients.ErrNoGoClient, URL: cfg.Redacted(),
			Msg: "Django's " + backend + " keeps values in its own store and format, which no Go client reads"}
	}
	return &Codec{backend: backend, conv: b.conv, proto: b.proto, url: cfg.Redacted()}, nil
}

// Backend returns the Django BACKEND class whose values the codec reads
// and writes.
func (c *Codec) Backend() string {
	if c.backend == "" {
		return djangoRedisCache
	}
	return c.backend
}

// Decode reads a value that Django stored, as the backend's client reads
// it. flags is the memcached item's flags word (ignored on redis).
//
// On redis, decimal int text (Python's int() of the bytes: surrounding
// whitespace, a sign, underscores between digits) is an int; a zlib or
// gzip stream (django-redis's ZlibCompressor, GzipCompressor) is
// decompressed, as django-redis does, by trying; anything else is a
// pickle. On memcached the flags say: pymemcache 0 bytes, 16 UTF-8 text, 2
// or 4 int, 1 pickle (tested in that order); pylibmc 8 zlib (then the rest),
// 0 bytes, 1 pickle, 2 int (a bool Python stored reads back as 1 or 0, as
// in Django), 4 int, 16 text, any other combination an error;
// python-memcached as pymemcache, after 8 zlib. Values are decoded to the
// Go types of the package documentation; a pickle naming any class outside
// them is an [ErrUnsupported] error naming it, and nothing is ever run.
func (c *Codec) Decode(data []byte, flags uint32) (any, error) {
	lim := c.Limits.resolved()
	if len(data) > lim.MaxBytes {
		return nil, newErr(ErrTooLarge, "the value is %d bytes, over the limit of %d", len(data), lim.MaxBytes)
	}
	switch c.conv {
	case convPyMemcache:
		return byFlags(data, flags, lim, false)
	case convPythonMemcached, convPyLibMC:
		if flags&flagZlib != 0 {
			out, err := inflate(data, lim, true)
			if err != nil {
				return nil, err
			}
			data = out
			flags &^= flagZlib
		}
		if c.conv == convPythonMemcached {
			return byFlags(data, flags, lim, true)
		}
		switch flags & (flagPickle | flagInteger | flagLong | flagText) {
		case 0:
			return append([]byte{}, data...), nil
		case flagPickle:
			return unpickle(data, lim)
		case flagInteger, flagLong:
			return intValue(data, lim)
		case flagText:
			return text(data)
		}
		return nil, newErr(ErrMalformed, "unknown memcached flags %d", flags)
	}
	return decodeRedis(data, lim)
}

// byFlags reads a value by its flags in pymemcache's order, which is also
// python-memcached's (after zlib); strict refuses unknown flags, as
// python-memcached does, where pymemcache returns the bytes.
func byFlags(data []byte, flags uint32, lim Limits, strict bool) (any, error) {
	switch {
	case flags == 0:
	case flags&flagText != 0:
		return text(data)
	case flags&(flagInteger|flagLong) != 0:
		return intValue(data, lim)
	case flags&flagPickle != 0:
		return unpickle(data, lim)
	case strict:
		return nil, newErr(ErrMalformed, "unknown memcached flags %d", flags)
	}
	return append([]byte{}, data...), nil
}

// The memcached flags of the Python clients.
const (
	flagPickle  = 1
	flagInteger = 2
	flagLong    = 4
	flagZlib    = 8
	flagText    = 16
)

func text(data []byte) (any, error) {
	if !utf8.Valid(data) {
		return nil, newErr(ErrMalformed, "a text value (memcached flags 16) that is not UTF-8")
	}
	return string(data), nil
}

// storedInt reads int text as Python's int() does; text that is not an
// int is errNotInt.
func storedInt(data []byte, lim Limits) (any, error) {
	v, err := parseIntText(data, lim.MaxDigits, true)
	if err == errTooManyDg {
		return nil, newErr(ErrTooLarge, "an int of more than %d decimal digits", lim.MaxDigits)
	}
	return v, err
}

func intValue(data []byte, lim Limits) (any, error) {
	v, err := storedInt(data, lim)
	if err == errNotInt {
		return nil, newErr(ErrMalformed, "an int value (memcached flags 2 or 4) that is not decimal text")
	}
	return v, err
}

func decodeRedis(data []byte, lim Limits) (any, error) {
	if v, err := storedInt(data, lim); err != errNotInt {
		return v, err
	}
	switch {
	case isZlib(data) || bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		out, err := inflate(data, lim, isZlib(data))
		if err == nil {
			return unpickle(out, lim)
		}
		if isKind(err, ErrTooLarge) {
			return nil, err
		}
		// Not compressed after all: django-redis then unpickles the bytes.
	case bytes.HasPrefix(data, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return nil, errCompressed("lzma (django-redis's LzmaCompressor)")
	case bytes.HasPrefix(data, []byte{0x04, 0x22, 0x4d, 0x18}):
		return nil, errCompressed("lz4 (django-redis's Lz4Compressor)")
	case bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return nil, errCompressed("zstd (django-redis's ZStdCompressor)")
	}
	return unpickle(data, lim)
}

func errCompressed(what string) error {
	return newErr(ErrUnsupported, "the value is compressed with %s; only zlib and gzip are read", what)
}

func isKind(err error, k *clients.Kind) bool {
	e, ok := err.(*Error)
	return ok && e.Kind == k
}

// isZlib reports a zlib stream header (RFC 1950: deflate, a window of at
// most 32 KiB, no preset dictionary, the check bits).
func isZlib(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && b[1]&0x20 == 0 &&
		(uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

// inflate decompresses zlib (or gzip) data, at most MaxBytes of it.
func inflate(data []byte, lim Limits, zlibFormat bool) ([]byte, error) {
	var r io.ReadCloser
	var err error
	if zlibFormat {
		r, err = zlib.NewReader(bytes.NewReader(data))
	} else {
		r, err = gzip.NewReader(bytes.NewReader(data))
	}
	if err != nil {
		return nil, newErr(ErrMalformed, "the value is not a zlib stream")
	}
	// Grow by doubling, up to one byte over the limit: at most about twice
	// the output is allocated in all.
	out := make([]byte, 0, min(lim.MaxBytes+1, max(512, 4*len(data))))
	for {
		if len(out) == cap(out) {
			if len(out) > lim.MaxBytes {
				return nil, newErr(ErrTooLarge, "the value decompresses to more than %d bytes", lim.MaxBytes)
			}
			out = append(make([]byte, 0, min(2*cap(out), lim.MaxBytes+1)), out...)
		}
		n, err := r.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, newErr(ErrMalformed, "the compressed value is corrupt")
		}
	}
	if len(out) > lim.MaxBytes {
		return nil, newErr(ErrTooLarge, "the value decompresses to more than %d bytes", lim.MaxBytes)
	}
	return out, nil
}

// Encode writes a value as the backend's client writes the equivalent
// Python value, and returns the bytes and the memcached flags (0 on redis).
//
// Ints (Go's int and uint types that are not bool, *big.Int, a json.Number
// without fraction or exponent) are decimal text: on redis, so that INCR
// works and Django reads an int; on memcached with flags 2 (pymemcache,
// python-memcached) or 4 (pylibmc). On memcached a string is UTF-8 text
// (flags 16) and a []byte raw bytes (flags 0); pylibmc stores a bool as
// "1"/"0" with flags 2. Everything else is a pickle (flags 1 on memcached)
// of protocol 5, or 4 for django-redis (what each client writes; Python 3.8
// reads both) with the opcodes that build plain data only: a string as a
// str, []byte as bytes, [ByteArray] as a bytearray, []any and other slices
// as a list, [Tuple], map[string]any and maps with string keys as a dict,
// [Dict] and maps with integer keys as a dict, [Set], [FrozenSet], [Date],
// [Time], [DateTime] as a naive datetime, time.Time as an aware datetime
// (truncated to the microsecond, with a fixed-offset tzinfo:
// timezone.utc at offset 0; the zone's name and rules are not written),
// time.Duration as a timedelta (truncated toward zero to the microsecond),
// [Decimal] as a decimal.Decimal, float32/float64 as a float, nil as None.
// A string that is not UTF-8, an int of more than Limits.MaxDigits digits,
// a list or dict as a dict key or set element, and a Go type with no Python
// equivalent (a struct, a channel) are errors.
func (c *Codec) Encode(v any) ([]byte, uint32, error) {
	lim := c.Limits.resolved()
	if n, ok := v.(json.Number); ok {
		x, err := fromNumber(n, lim.MaxDigits)
		if err != nil {
			return nil, 0, err
		}
		v = x
	}
	isInt, text, err := intText(v, lim)
	if err != nil {
		return nil, 0, err
	}
	if c.conv == convRedis {
		if isInt {
			return text, 0, nil
		}
		b, err := pickleValue(v, c.protocol(), lim)
		return b, 0, err
	}
	switch {
	case isInt && c.conv == convPyLibMC:
		return text, flagLong, nil
	case isInt:
		return text, flagInteger, nil
	}
	switch x := v.(type) {
	case []byte:
		return append([]byte{}, x...), 0, nil
	case string:
		if !utf8.ValidString(x) {
			return nil, 0, newErr(ErrUnsupported, "a Go string that is not valid UTF-8 has no Python str")
		}
		return []byte(x), flagText, nil
	case bool:
		if c.conv == convPyLibMC {
			return []byte(strconv.Itoa(btoi(x))), flagInteger, nil
		}
	case Decimal, ByteArray:
		// pickled
	default:
		// Named string and byte-slice types are a str and bytes too.
		rv := reflect.ValueOf(v)
		switch {
		case rv.Kind() == reflect.String:
			return c.Encode(rv.String())
		case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 && rv.Type() != reflect.TypeOf(ByteArray(nil)):
			return c.Encode(rv.Bytes())
		case rv.Kind() == reflect.Bool:
			return c.Encode(rv.Bool())
		}
	}
	b, err := pickleValue(v, c.protocol(), lim)
	return b, flagPickle, err
}

func (c *Codec) protocol() int {
	if c.proto == 0 {
		return 5
	}
	return c.proto
}

// intText reports whether v is a Python int, and its decimal text.
func intText(v any, lim Limits) (bool, []byte, error) {
	var z *big.Int
	switch x := v.(type) {
	case int64:
		return true, strconv.AppendInt(nil, x, 10), nil
	case int:
		return true, strconv.AppendInt(nil, int64(x), 10), nil
	case *big.Int:
		if x == nil {
			return false, nil, nil
		}
		z = x
	case bool, nil, float64, string, []byte, time.Duration:
		return false, nil, nil
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return true, strconv.AppendInt(nil, rv.Int(), 10), nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return true, strconv.AppendUint(nil, rv.Uint(), 10), nil
		}
		if bi, ok := v.(big.Int); ok {
			z = &bi
		} else {
			return false, nil, nil
		}
	}
	if !bigDigitsOK(z, lim.MaxDigits) {
		return false, nil, newErr(ErrTooLarge, "an int of more than %d decimal digits (Python refuses to print it)", lim.MaxDigits)
	}
	return true, z.Append(nil, 10), nil
}
