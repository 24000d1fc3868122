// Package django reads and writes the values Django keeps in a cache, so a
// Go service and a Django service that share one CACHE_URL read each
// other's values: sessions, cached results, counters.
//
// A [Codec] follows one Django backend, chosen by the URL as Django's own
// settings would ([New]): what the client writes and how it marks it.
//
//   - redis (Django's RedisCache, django-redis, django-redis-cache): an int
//     that is not a bool as its decimal text, so INCR works; anything else a
//     pickle (protocol 5 from Django, 4 from django-redis), possibly
//     compressed by django-redis (zlib and gzip are read).
//   - memcached, by Python client, with a flags word beside the value:
//     pymemcache (pymemcache://) 0 bytes, 1 pickle, 2 int, 16 UTF-8 text;
//     pylibmc (memcached://) 0 bytes, 1 pickle, 2 bool as "1"/"0" (read as
//     an int), 4 int, 16 text, and 8 for zlib; python-memcached
//     (pymemcached://) as pymemcache, with 8 for zlib.
//
// Pickles are read by the package's own restricted decoder, which builds
// plain data only and never imports or calls anything. The Go types:
//
//	None              nil
//	bool              bool
//	int               int64, or *big.Int when it does not fit (up to 4,300 digits)
//	float             float64
//	str               string (valid UTF-8)
//	bytes             []byte
//	bytearray         ByteArray
//	list              []any
//	tuple             Tuple
//	dict              map[string]any when every key is a str, else Dict (ordered pairs)
//	set, frozenset    Set, FrozenSet
//	datetime (aware)  time.Time (tzinfo: timezone, pytz UTC and fixed offsets, zoneinfo)
//	datetime (naive)  DateTime
//	date, time        Date, Time
//	timedelta         time.Duration
//	Decimal           Decimal (its exact text)
//	OrderedDict       as a dict
//
// A pickle that refers to any other class (a Django model, os.system, a
// lazy translation string) is an error of kind [ErrUnsupported] naming the
// class; a value is never returned in part. Decoding takes time and memory
// in proportion to the input, within [Limits]: size, nesting depth, values
// (shared references counted each time, so a pickle cannot expand into a
// huge value through its memo) and int digits.
//
// [Codec.Encode] writes a Go value as Django would write the equivalent
// Python value; [ToJSON] and [FromJSON] map values to and from one line of
// JSON (JSON-native values as Python's json module does, ints of any size
// exactly). docs/django-values.md has the whole mapping and the safety
// rules.
package django
