package django

import (
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// The Python classes and functions a pickle may name (GLOBAL,
// STACK_GLOBAL), and what calling them (REDUCE) builds. Python's pickler
// writes these for the plain-data types: datetime values (their state as
// bytes, which protocols 0-2 spell as _codecs.encode(str, "latin1")), their
// tzinfo (datetime.timezone, pytz's UTC and fixed offsets, zoneinfo zones
// through builtins.getattr(ZoneInfo, "_unpickle")), decimal.Decimal(str),
// collections.OrderedDict() followed by SETITEMs, and, in protocols below
// 4, set(list), frozenset(list), bytearray(bytes) and bytes(). Nothing else
// is accepted, and nothing is ever imported or called: each allowed name is
// a token that REDUCE interprets.

type globalKind uint8

const (
	gDateTime globalKind = iota + 1
	gDate
	gTime
	gTimeDelta
	gTimezone
	gDecimal
	gOrderedDict
	gSet
	gFrozenSet
	gByteArray
	gBytes
	gCodecsEncode
	gGetattr
	gPytzUTC
	gPytzP
	gZoneInfo
	gZoneInfoUnpickle
	gReconstructor
)

type pyGlobal struct {
	module, name string
	kind         globalKind
}

// tzinfo is a tzinfo while decoding (a datetime's second argument).
type tzinfo struct {
	loc   *time.Location
	rules bool // a zoneinfo zone: the offset depends on the date
}

var globals = map[string]globalKind{
	"datetime.datetime":                     gDateTime,
	"datetime.date":                         gDate,
	"datetime.time":                         gTime,
	"datetime.timedelta":                    gTimeDelta,
	"datetime.timezone":                     gTimezone,
	"decimal.Decimal":                       gDecimal,
	"collections.OrderedDict":               gOrderedDict,
	"builtins.set":                          gSet,
	"builtins.frozenset":                    gFrozenSet,
	"builtins.bytearray":                    gByteArray,
	"builtins.bytes":                        gBytes,
	"builtins.getattr":                      gGetattr,
	"_codecs.encode":                        gCodecsEncode,
	"pytz._UTC":                             gPytzUTC,
	"pytz._p":                               gPytzP,
	"zoneinfo.ZoneInfo":                     gZoneInfo,
	"zoneinfo.ZoneInfo._unpickle":           gZoneInfoUnpickle,
	"backports.zoneinfo.ZoneInfo":           gZoneInfo,
	"backports.zoneinfo.ZoneInfo._unpickle": gZoneInfoUnpickle,
	// Only so that the error names the class it would make (whose own
	// GLOBAL comes next and is refused).
	"copyreg._reconstructor": gReconstructor,
}

// py2Names are the Python 2 names Python 3 reads in protocols 0-2 (a few of
// _compat_pickle's), so that a message names what Python means.
var py2Names = map[string]string{
	"__builtin__.xrange": "builtins.range", "__builtin__.unicode": "builtins.str",
	"__builtin__.long": "builtins.int", "__builtin__.unichr": "builtins.chr",
	"__builtin__.basestring": "builtins.str", "__builtin__.reduce": "functools.reduce",
	"__builtin__.intern": "sys.intern", "copy_reg._reconstructor": "copyreg._reconstructor",
}

// global resolves a GLOBAL or STACK_GLOBAL name to a token, or refuses it
// naming the class. As Python 3 does for protocols below 3, the Python 2
// module __builtin__ is read as builtins.
func (d *decoder) global(module, name string, at int) (*pyGlobal, error) {
	full := module + "." + name
	if d.proto < 3 {
		if py3, ok := py2Names[full]; ok {
			full = py3
			module, name = py3[:strings.IndexByte(py3, '.')], py3[strings.IndexByte(py3, '.')+1:]
		} else if module == "__builtin__" {
			module, full = "builtins", "builtins."+name
		}
	}
	kind, ok := globals[full]
	if !ok {
		return nil, d.unsupported(at, "the pickle refers to %s, which is not plain data", dotted(module, name))
	}
	return &pyGlobal{module: module, name: name, kind: kind}, nil
}

// reduce is REDUCE: callable(*args) for the allowed callables.
func (d *decoder) reduce(callable, argv any, at int) (any, error) {
	g, ok := callable.(*pyGlobal)
	if !ok {
		return nil, d.malformed(at, "REDUCE calls a %s", typeName(callable))
	}
	t, ok := argv.(*node)
	if !ok || t.kind != kTuple {
		return nil, d.malformed(at, "REDUCE arguments are a %s, not a tuple", typeName(argv))
	}
	args := t.items
	bad := func(what string) error {
		return d.malformed(at, "%s(%s): %s", dotted(g.module, g.name), argTypes(args), what)
	}
	switch g.kind {
	case gCodecsEncode:
		// _codecs.encode(str, "latin1"): bytes in protocols 0-2.
		if len(args) < 1 || len(args) > 2 {
			return nil, bad("expected (str, encoding)")
		}
		s, ok := args[0].(string)
		enc := "utf-8"
		if len(args) == 2 {
			enc, _ = args[1].(string)
		}
		if !ok {
			return nil, bad("expected a str")
		}
		switch strings.ToLower(strings.ReplaceAll(enc, "_", "-")) {
		case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1":
			b := make([]byte, 0, len(s))
			for _, r := range s {
				if r > 0xff {
					return nil, bad("a character beyond Latin-1")
				}
				b = append(b, byte(r))
			}
			return b, nil
		case "utf-8", "utf8":
			return []byte(s), nil
		}
		return nil, bad("an encoding other than latin1 or utf-8")
	case gBytes:
		if len(args) != 0 {
			return nil, bad("only bytes() is read")
		}
		return []byte{}, nil
	case gByteArray:
		switch {
		case len(args) == 0:
			return ByteArray{}, nil
		case len(args) == 1:
			if b, ok := args[0].([]byte); ok {
				return ByteArray(append([]byte{}, b...)), nil
			}
		}
		return nil, bad("expected () or (bytes)")
	case gSet, gFrozenSet:
		kind := kSet
		if g.kind == gFrozenSet {
			kind = kFrozenSet
		}
		n := newNode(kind)
		switch {
		case len(args) == 0:
			return n, nil
		case len(args) == 1:
			src, ok := args[0].(*node)
			if ok && src.kind != kDict {
				for _, v := range src.items {
					if err := d.add(n, v, at); err != nil {
						return nil, err
					}
				}
				return n, nil
			}
		}
		return nil, bad("expected () or (list)")
	case gOrderedDict:
		if len(args) != 0 {
			return nil, bad("only OrderedDict() followed by SETITEMS is read")
		}
		return newNode(kDict), nil
	case gGetattr:
		if len(args) == 2 {
			cls, ok1 := args[0].(*pyGlobal)
			attr, ok2 := args[1].(string)
			if ok1 && ok2 && cls.kind == gZoneInfo && attr == "_unpickle" {
				return &pyGlobal{module: cls.module, name: cls.name + "._unpickle", kind: gZoneInfoUnpickle}, nil
			}
			if ok1 && ok2 {
				return nil, d.unsupported(at, "the pickle refers to %s, which is not plain data", dotted(cls.module, cls.name+"."+attr))
			}
		}
		return nil, bad("only getattr(zoneinfo.ZoneInfo, \"_unpickle\") is read")
	case gDecimal:
		if len(args) == 1 {
			if s, ok := args[0].(string); ok {
				text, err := parseDecimal(s, d.lim.MaxDigits)
				switch err {
				case nil:
					return Decimal(text), nil
				case errTooManyDg:
					return nil, newErr(ErrTooLarge, "pickle: a Decimal of more than %d digits or an exponent beyond 10**15 (at byte %d)", d.lim.MaxDigits, at)
				}
				return nil, bad("the text is not a Decimal as str() writes it")
			}
		}
		return nil, bad("expected (str)")
	case gTimeDelta:
		return d.timedelta(args, bad)
	case gTimezone:
		return d.timezone(args, bad)
	case gPytzUTC:
		if len(args) != 0 {
			return nil, bad("expected ()")
		}
		return &tzinfo{loc: time.UTC}, nil
	case gPytzP:
		// pytz._p(zone, utcoffset seconds, dst seconds, tzname): a zone at
		// one fixed offset, which is all a pickled datetime needs.
		if len(args) == 4 {
			_, ok1 := args[0].(string)
			off, ok2 := args[1].(int64)
			_, ok3 := args[2].(int64)
			name, ok4 := args[3].(string)
			if ok1 && ok2 && ok3 && ok4 && off > -86400 && off < 86400 {
				return &tzinfo{loc: time.FixedZone(name, int(off))}, nil
			}
		}
		return nil, bad("expected (zone, utcoffset, dst, tzname) with an offset under a day")
	case gZoneInfo, gZoneInfoUnpickle:
		if len(args) >= 1 && len(args) <= 2 {
			if key, ok := args[0].(string); ok {
				loc, err := loadZone(key)
				if err != nil {
					return nil, d.unsupported(at, "zoneinfo zone %s: Go cannot load it (%v)", short(key), err)
				}
				return &tzinfo{loc: loc, rules: true}, nil
			}
		}
		return nil, bad("expected (key)")
	case gDate:
		return d.date(args, bad)
	case gTime:
		return d.timeOfDay(args, bad, at)
	case gDateTime:
		return d.datetime(args, bad, at)
	case gReconstructor:
		what := "an object"
		if len(args) > 0 {
			what = "an instance of " + typeName(args[0])
		}
		return nil, d.unsupported(at, "%s (copyreg._reconstructor), which is not plain data", what)
	}
	return nil, bad("not callable")
}

func argTypes(args []any) string {
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = typeName(a)
	}
	return strings.Join(names, ", ")
}

var zoneCache sync.Map // key -> *time.Location

// loadZone loads an IANA zone for a zoneinfo.ZoneInfo, once per process.
func loadZone(key string) (*time.Location, error) {
	if v, ok := zoneCache.Load(key); ok {
		return v.(*time.Location), nil
	}
	if key == "" || len(key) > 255 || strings.HasPrefix(key, "/") || strings.Contains(key, "..") || strings.ContainsAny(key, "\\\x00") {
		return nil, fmt.Errorf("not a zone key")
	}
	loc, err := time.LoadLocation(key)
	if err != nil {
		return nil, fmt.Errorf("unknown zone; import time/tzdata where the system has no zoneinfo files")
	}
	zoneCache.Store(key, loc)
	return loc, nil
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case bool:
		return int64(btoi(x)), true
	}
	return 0, false
}

// timedelta: timedelta(days, seconds, microseconds), normalized as Python
// does; a time.Duration holds ±292 years, so a larger one is refused.
func (d *decoder) timedelta(args []any, bad func(string) error) (any, error) {
	if len(args) > 3 {
		return nil, bad("expected (days, seconds, microseconds)")
	}
	var f [3]int64
	for i, a := range args {
		n, ok := asInt(a)
		if !ok {
			return nil, bad("expected ints")
		}
		f[i] = n
	}
	// In big ints: each part is an int64 and their sum may not be.
	us := new(big.Int).Mul(big.NewInt(f[0]), big.NewInt(86400e6))
	us.Add(us, new(big.Int).Mul(big.NewInt(f[1]), big.NewInt(1e6)))
	us.Add(us, big.NewInt(f[2]))
	days := new(big.Int).Div(us, big.NewInt(86400e6)) // floor for negatives: Euclidean with a positive divisor
	if days.CmpAbs(big.NewInt(999999999)) > 0 {
		return nil, bad("beyond timedelta's range of 999999999 days")
	}
	ns := new(big.Int).Mul(us, big.NewInt(1000))
	if !ns.IsInt64() {
		return nil, d.errTooLong()
	}
	return time.Duration(ns.Int64()), nil
}

func (d *decoder) errTooLong() error {
	return newErr(ErrTooLarge, "pickle: a timedelta beyond time.Duration's ±292 years")
}

// timezone: datetime.timezone(offset[, name]); timezone(timedelta(0)) is
// timezone.utc.
func (d *decoder) timezone(args []any, bad func(string) error) (any, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, bad("expected (timedelta[, name])")
	}
	off, ok := args[0].(time.Duration)
	if !ok || off <= -24*time.Hour || off >= 24*time.Hour {
		return nil, bad("expected a timedelta strictly within a day")
	}
	if off%time.Second != 0 {
		return nil, bad("an offset with microseconds (Go zones hold whole seconds)")
	}
	name := ""
	if len(args) == 2 {
		s, ok := args[1].(string)
		if !ok {
			return nil, bad("the name is not a str")
		}
		name = s
	}
	if off == 0 && len(args) == 1 {
		return &tzinfo{loc: time.UTC}, nil
	}
	if len(args) == 1 {
		name = pyTZName(off)
	}
	return &tzinfo{loc: time.FixedZone(name, int(off/time.Second))}, nil
}

// pyTZName is Python's name of an unnamed timezone: "UTC+05:30".
func pyTZName(off time.Duration) string {
	return string(appendOffset([]byte("UTC"), int(off/time.Second)))
}

func (d *decoder) date(args []any, bad func(string) error) (any, error) {
	var dt Date
	switch {
	case len(args) == 1:
		b, ok := args[0].([]byte)
		if !ok || len(b) != 4 {
			return nil, bad("expected its 4-byte state")
		}
		dt = Date{Year: int(b[0])<<8 | int(b[1]), Month: time.Month(b[2]), Day: int(b[3])}
	case len(args) == 3:
		var f [3]int64
		for i, a := range args {
			n, ok := asInt(a)
			if !ok || n < 0 || n > 9999 {
				return nil, bad("expected (year, month, day)")
			}
			f[i] = n
		}
		dt = Date{Year: int(f[0]), Month: time.Month(f[1]), Day: int(f[2])}
	default:
		return nil, bad("expected its state or (year, month, day)")
	}
	if !dt.valid() {
		return nil, bad("not a valid date")
	}
	return dt, nil
}

// timeFields reads a time's state (6 bytes: hour with the fold bit,
// minute, second, microsecond big-endian) or (hour, minute, second,
// microsecond), then the optional tzinfo.
func timeFields(args []any, state int) (Time, []any, bool) {
	if len(args) >= 1 && state > 0 {
		if b, ok := args[0].([]byte); ok && len(b) == state {
			hour := b[state-6]
			if state == 6 {
				hour &= 0x7f // a time's fold bit; a datetime's is in the month
			}
			b = b[state-6:]
			t := Time{Hour: int(hour), Minute: int(b[1]), Second: int(b[2]),
				Microsecond: int(b[3])<<16 | int(b[4])<<8 | int(b[5])}
			return t, args[1:], true
		}
	}
	var f [4]int64
	i := 0
	for ; i < 4 && i < len(args); i++ {
		n, ok := asInt(args[i])
		if !ok {
			break
		}
		if n < 0 || n > 1e6 {
			return Time{}, nil, false
		}
		f[i] = n
	}
	return Time{Hour: int(f[0]), Minute: int(f[1]), Second: int(f[2]), Microsecond: int(f[3])}, args[i:], true
}

func (d *decoder) timeOfDay(args []any, bad func(string) error, at int) (any, error) {
	t, rest, ok := timeFields(args, 6)
	if !ok || len(rest) > 1 || !t.valid() {
		return nil, bad("expected its state or (hour, minute, second, microsecond)")
	}
	if len(rest) == 1 && rest[0] != nil {
		return nil, d.unsupported(at, "a datetime.time with a tzinfo (only naive times are read)")
	}
	return t, nil
}

func (d *decoder) datetime(args []any, bad func(string) error, at int) (any, error) {
	var dt DateTime
	var rest []any
	fold := false
	if b, ok := firstBytes(args); ok {
		if len(b) != 10 {
			return nil, bad("expected its 10-byte state")
		}
		fold = b[2]&0x80 != 0
		dt.Date = Date{Year: int(b[0])<<8 | int(b[1]), Month: time.Month(b[2] & 0x7f), Day: int(b[3])}
		dt.Time, rest, _ = timeFields(args, 10)
	} else {
		if len(args) < 3 {
			return nil, bad("expected its state or (year, month, day, ...)")
		}
		if _, err := d.date(args[:3], bad); err != nil {
			return nil, err
		}
		y, _ := asInt(args[0])
		m, _ := asInt(args[1])
		dd, _ := asInt(args[2])
		dt.Date = Date{Year: int(y), Month: time.Month(m), Day: int(dd)}
		var ok bool
		if dt.Time, rest, ok = timeFields(args[3:], 0); !ok {
			return nil, bad("expected (year, month, day, hour, minute, second, microsecond)")
		}
	}
	if !dt.Date.valid() || !dt.Time.valid() || len(rest) > 1 {
		return nil, bad("not a valid datetime")
	}
	if len(rest) == 0 || rest[0] == nil {
		return dt, nil
	}
	tz, ok := rest[0].(*tzinfo)
	if !ok {
		return nil, bad("the tzinfo is a " + typeName(rest[0]))
	}
	if !tz.rules {
		return time.Date(dt.Year, dt.Month, dt.Day, dt.Hour, dt.Minute, dt.Second, dt.Microsecond*1000, tz.loc), nil
	}
	return zonedTime(dt, fold, tz.loc), nil
}

func firstBytes(args []any) ([]byte, bool) {
	if len(args) == 0 {
		return nil, false
	}
	b, ok := args[0].([]byte)
	return b, ok
}

// zonedTime is the instant of a wall-clock time in a zone with rules, as
// Python's zoneinfo resolves it (PEP 495): at a transition from offset o1
// to o2 at instant T, a wall time w with fold 0 uses o2 from T+max(o1, o2)
// on, and with fold 1 from T+min(o1, o2) on. So in a repeated hour fold 0
// is the first instant and fold 1 the second; in a skipped hour fold 0
// uses the offset before the transition and fold 1 the one after. A
// skipped wall time has no time.Time in the zone: it keeps Python's wall
// clock and offset in a fixed zone of the offset's name (the instant is
// the same).
func zonedTime(dt DateTime, fold bool, loc *time.Location) time.Time {
	wall := time.Date(dt.Year, dt.Month, dt.Day, dt.Hour, dt.Minute, dt.Second, dt.Microsecond*1000, time.UTC)
	w := wall.Unix()
	// Walk the zone's periods around w (offsets are under a day).
	t := wall.Add(-26 * time.Hour).In(loc)
	name, off := t.Zone()
	for i := 0; i < 8; i++ {
		_, end := t.ZoneBounds()
		if end.IsZero() || end.Unix() > w+2*86400 {
			break
		}
		next := end.In(loc)
		name2, off2 := next.Zone()
		threshold := end.Unix() + int64(max(off, off2))
		if fold {
			threshold = end.Unix() + int64(min(off, off2))
		}
		if w < threshold {
			break
		}
		name, off, t = name2, off2, next
	}
	u := time.Unix(w-int64(off), int64(dt.Microsecond)*1000).In(loc)
	if y, m, d := u.Date(); y != dt.Year || m != dt.Month || d != dt.Day || u.Hour() != dt.Hour || u.Minute() != dt.Minute {
		u = u.In(time.FixedZone(name, off))
	}
	return u
}
