package django

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/clients"
)

// TestRefusesWhatPythonPicklesOutsidePlainData: real pickles (protocols 0
// to 5) of an exploit whose unpickling runs a shell command, os.system
// itself, builtins and collections classes, a Django MultiValueDict, a
// lazy string, a class or tzinfo alone, a list and a dict that contain
// themselves and an aware time: each is an ErrUnsupported error naming the
// class, and nothing runs.
func TestRefusesWhatPythonPicklesOutsidePlainData(t *testing.T) {
	o := oracle(t)
	requireModules(t, o, "django")
	if len(o.Refused) < 60 {
		t.Fatalf("only %d refused cases", len(o.Refused))
	}
	for _, r := range o.Refused {
		data, _ := hex.DecodeString(r.Hex)
		v, err := unpickle(data, Limits{})
		if err == nil {
			t.Errorf("%s (protocol %d): decoded to %#v", r.Name, r.Proto, v)
			continue
		}
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), r.Class) {
			t.Errorf("%s (protocol %d): %v; want ErrUnsupported naming %s", r.Name, r.Proto, err, r.Class)
		}
	}
	if _, err := os.Stat("/tmp/cacheurl-pwned"); err == nil {
		t.Error("/tmp/cacheurl-pwned exists: something ran the exploit")
	}
}

// p assembles a pickle from its parts (opcodes as strings, lengths as
// little-endian numbers).
func p(parts ...any) []byte {
	var b []byte
	for _, x := range parts {
		switch v := x.(type) {
		case string:
			b = append(b, v...)
		case []byte:
			b = append(b, v...)
		case uint32:
			b = binary.LittleEndian.AppendUint32(b, v)
		case uint64:
			b = binary.LittleEndian.AppendUint64(b, v)
		}
	}
	return b
}

// secret is in several hostile inputs before the point of failure: no
// error may show it.
const secret = "s3cret-session-token"

var secretStr = p("\x8c", string(rune(len(secret))), secret)

// memoChain is a list nested n deep through the memo, with a constant
// stack: [], then n times: a new list, append the previous, memo it, pop.
func memoChain(n int) []byte {
	b := []byte("\x80\x04]q\x00")
	step := []byte("]h\x00aq\x000")
	for i := 0; i < n; i++ {
		b = append(b, step...)
	}
	return append(b, "h\x00."...)
}

// memoDoubling is l[i+1] = [l[i], l[i]], n times: a small pickle whose value
// as a tree has 2**n leaves.
func memoDoubling(n int) []byte {
	b := []byte("\x80\x04K\x01q\x00")
	for i := 0; i < n; i++ {
		b = append(b, "0h\x00h\x00\x86q\x00"...) // pop, a tuple of the memo twice, memo it
	}
	return append(b, '.')
}

func hostileTable() []struct {
	name string
	in   []byte
	kind *clients.Kind
	want string // in the message
} {
	return []struct {
		name string
		in   []byte
		kind *clients.Kind
		want string
	}{
		{"empty", nil, ErrMalformed, "empty"},
		{"no STOP", p("\x80\x04", secretStr), ErrMalformed, "no STOP"},
		{"4 GiB BINUNICODE", p("\x80\x04X\xff\xff\xff\xff"), ErrMalformed, "truncated"},
		{"8-byte length", p("\x80\x04\x8d", uint64(1<<62)), ErrMalformed, "truncated"},
		{"LONG4 negative length", p("\x80\x04\x8b\xff\xff\xff\xff."), ErrMalformed, "negative"},
		{"LONG4 1 MB", p("\x80\x04\x8b", uint32(1<<20), bytes.Repeat([]byte{1}, 1<<20), "."), ErrTooLarge, "decimal digits"},
		{"INT of 4 MB of digits", p("I", strings.Repeat("9", 4<<20), "\n."), ErrTooLarge, "4300"},
		{"INT octal", p("I010\n."), ErrMalformed, "plain decimal"},
		{"INT hex", p("I0x1f\n."), ErrMalformed, "plain decimal"},
		{"FLOAT hex", p("F0x1p-2\n."), ErrMalformed, "float"},
		{"FLOAT overflow", p("F1e400\n."), ErrMalformed, "float"},
		{"10 MB of MARK", bytes.Repeat([]byte("("), 10<<20), ErrTooLarge, "MARK"},
		{"10 MB of NONE", bytes.Repeat([]byte("N"), 10<<20), ErrTooLarge, "values"},
		{"unknown opcode", p("\x80\x04\xff"), ErrMalformed, "0xff"},
		{"protocol 6", p("\x80\x06N."), ErrMalformed, "protocol 6"},
		{"FRAME past the end", p("\x80\x04\x95", uint64(100), "N."), ErrMalformed, "FRAME"},
		{"stack underflow", p("\x80\x04a."), ErrMalformed, "underflow"},
		{"STOP on an empty stack", p("."), ErrMalformed, "underflow"},
		{"below a MARK", p("\x80\x04](a."), ErrMalformed, "underflow"},
		{"memo miss", p("\x80\x04h\x07."), ErrMalformed, "memo"},
		{"memo at 4 G", p("\x80\x04Nr\xff\xff\xff\xffj\xfe\xff\xff\xff."), ErrMalformed, "memo"},
		{"invalid UTF-8", p("\x80\x04\x8c\x02\xff\xfe."), ErrMalformed, "UTF-8"},
		{"lone surrogate", p("\x80\x04\x8c\x03\xed\xa0\x80."), ErrMalformed, "surrogate"},
		{"UNICODE lone surrogate", p("V\\ud800\n."), ErrMalformed, "surrogate"},
		{"py2 str non-ASCII", p("U\x02\xc3\xa9."), ErrMalformed, "ASCII"},
		{"APPEND to a dict", p("\x80\x04}K\x01a."), ErrMalformed, "APPEND on a dict"},
		{"SETITEM on a list", p("\x80\x04]K\x01K\x02s."), ErrMalformed, "SETITEM on a list"},
		{"odd SETITEMS", p("\x80\x04}(K\x01u."), ErrMalformed, "odd"},
		{"list as a key", p("\x80\x04}]K\x01s."), ErrMalformed, "unhashable type: list"},
		{"tuple with a list as a key", p("\x80\x04}]\x85K\x01s."), ErrMalformed, "unhashable type: list"},
		{"set of a dict", p("\x80\x04\x8f(}\x90."), ErrMalformed, "unhashable type: dict"},
		{"sNaN Decimal as a key", p("\x80\x04}\x8c\x07decimal\x8c\x07Decimal\x93\x8c\x04sNaN\x85RK\x01s."), ErrMalformed, "signaling"},
		{"GLOBAL os.system", p("cos\nsystem\n(S'echo'\ntR."), ErrUnsupported, "os.system"},
		{"STACK_GLOBAL builtins.eval", p("\x80\x04", secretStr, "\x8c\x08builtins\x8c\x04eval\x93."), ErrUnsupported, "builtins.eval"},
		{"py2 __builtin__ in protocol 4", p("\x80\x04\x8c\x0b__builtin__\x8c\x03set\x93)R."), ErrUnsupported, "__builtin__.set"},
		{"getattr of another attribute", p("\x80\x04\x8c\x08builtins\x8c\x07getattr\x93\x8c\x08zoneinfo\x8c\x08ZoneInfo\x93\x8c\x05clear\x86R."), ErrUnsupported, "zoneinfo.ZoneInfo.clear"},
		{"zone key outside the zone files", p("\x80\x04\x8c\x08zoneinfo\x8c\x08ZoneInfo\x93\x8c\x10../../etc/passwd\x85R."), ErrUnsupported, "zoneinfo zone"},
		{"INST", p("(i", "os\nsystem\n."), ErrUnsupported, "os.system"},
		{"NEWOBJ", p("\x80\x04\x8c\x08datetime\x8c\x04date\x93)\x81."), ErrUnsupported, "datetime.date"},
		{"BUILD", p("\x80\x04}}b."), ErrUnsupported, "BUILD"},
		{"EXT1", p("\x80\x04\x82\x01."), ErrUnsupported, "extension"},
		{"PERSID", p("Pid\n."), ErrUnsupported, "persistent"},
		{"NEXT_BUFFER", p("\x80\x05\x97."), ErrUnsupported, "out-of-band"},
		{"REDUCE of a str", p("\x80\x04\x8c\x01x)R."), ErrMalformed, "REDUCE calls a str"},
		{"REDUCE with a list", p("\x80\x04\x8c\x07decimal\x8c\x07Decimal\x93]R."), ErrMalformed, "not a tuple"},
		{"Decimal text", p("\x80\x04\x8c\x07decimal\x8c\x07Decimal\x93\x8c\x031_0\x85R."), ErrMalformed, "Decimal"},
		{"Decimal exponent", p("\x80\x04\x8c\x07decimal\x8c\x07Decimal\x93\x8c\x121E9999999999999999\x85R."), ErrTooLarge, "exponent"},
		{"datetime month 13", p("\x80\x04\x8c\x08datetime\x8c\x08datetime\x93C\x0a\x07\xe8\x0d\x01\x00\x00\x00\x00\x00\x00\x85R."), ErrMalformed, "datetime"},
		{"date Feb 30", p("\x80\x04\x8c\x08datetime\x8c\x04date\x93C\x04\x07\xe8\x02\x1e\x85R."), ErrMalformed, "valid date"},
		{"timedelta beyond Python", p("\x80\x04\x8c\x08datetime\x8c\x09timedelta\x93J\x00\xca\x9a\x3b\x85R."), ErrMalformed, "999999999 days"},
		{"timedelta beyond time.Duration", p("\x80\x04\x8c\x08datetime\x8c\x09timedelta\x93J\x40\x0d\x03\x00\x85R."), ErrTooLarge, "292 years"},
		{"timezone of a day", p("\x80\x04\x8c\x08datetime\x8c\x08timezone\x93\x8c\x08datetime\x8c\x09timedelta\x93K\x01\x85R\x85R."), ErrMalformed, "within a day"},
		{"memo chain 20,000 deep", memoChain(20_000), ErrTooLarge, "nested deeper than 10000"},
		{"memo doubling 2**64", memoDoubling(64), ErrTooLarge, "as a tree"},
		{"a 64 KB str 1,100 times", p("\x80\x04\x8c\x06sixty4X", uint32(1<<16), strings.Repeat("x", 1<<16), "q\x01(", strings.Repeat("h\x01", 1100), "l."), ErrTooLarge, "bytes of str"},
	}
}

// TestHostileInputs: broken and hostile pickles are typed errors whose
// message says what is wrong and never shows the stored data.
func TestHostileInputs(t *testing.T) {
	for _, tc := range hostileTable() {
		t.Run(tc.name, func(t *testing.T) {
			v, err := unpickle(tc.in, Limits{})
			if err == nil {
				t.Fatalf("decoded to %T", v)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("error %v is not %s", err, tc.kind.Code())
			}
			var e *Error
			if !errors.As(err, &e) || e.Package != "django" {
				t.Errorf("error %T is not a django *Error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "echo") {
				t.Errorf("error %q shows stored data", err)
			}
		})
	}
}

// TestHostileInputsAreCheap: the big hostile inputs cost time and memory in
// proportion to their length: 10 MB of MARK, a 4 GiB length prefix, 4 MB
// of digits, a 1 MB LONG4, 10 MB of NONE, a memo chain deeper than the
// limit, a value that doubles 64 times through the memo and a zlib bomb.
func TestHostileInputsAreCheap(t *testing.T) {
	bomb := func() []byte {
		var buf bytes.Buffer
		w, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
		zeros := make([]byte, 1<<20)
		for i := 0; i < 100; i++ {
			w.Write(zeros)
		}
		w.Close()
		return buf.Bytes()
	}()
	cases := map[string][]byte{"zlib bomb": bomb}
	for _, tc := range hostileTable() {
		if len(tc.in) > 1000 || strings.Contains(tc.name, "4 GiB") || strings.Contains(tc.name, "doubling") {
			cases[tc.name] = tc.in
		}
	}
	for name, in := range cases {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		var err error
		if name == "zlib bomb" {
			_, err = (&Codec{}).Decode(in, 0)
		} else {
			_, err = unpickle(in, Limits{})
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		// 40 bytes allocated per input byte, plus 1 MB; and at most 1 µs
		// per byte plus 50 ms: generous for a loaded machine, far from the
		// quadratic or exponential costs these inputs aim at. A compressed
		// value is decompressed up to MaxBytes: the bomb costs that.
		allocLimit := 40*uint64(len(in)) + 1<<20
		timeLimit := time.Duration(len(in))*time.Microsecond + 50*time.Millisecond
		if name == "zlib bomb" {
			allocLimit, timeLimit = 3*DefaultMaxBytes, 5*time.Second
		}
		if raceEnabled {
			timeLimit *= 20
		}
		if alloc > allocLimit {
			t.Errorf("%s: %d bytes in, %d allocated (limit %d): %v", name, len(in), alloc, allocLimit, err)
		}
		if elapsed > timeLimit {
			t.Errorf("%s: %d bytes in, %v (limit %v)", name, len(in), elapsed, timeLimit)
		}
		t.Logf("%s: %d bytes in, %d allocated, %v: %v", name, len(in), alloc, elapsed.Round(time.Millisecond), err)
	}
}

// TestDeepValueWithoutRecursion: decoding is iterative, so a list nested a
// million deep decodes (with MaxDepth raised) without exhausting the stack.
func TestDeepValueWithoutRecursion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a million nested lists")
	}
	const n = 1_000_000
	v, err := unpickle(memoChain(n), Limits{MaxDepth: n + 2, MaxNodes: 4 * n})
	if err != nil {
		t.Fatal(err)
	}
	depth := 0
	for l, ok := v.([]any); ok; l, ok = l[0].([]any) {
		depth++
		if len(l) == 0 {
			break
		}
	}
	if depth != n+1 {
		t.Errorf("depth %d, want %d", depth, n+1)
	}
}

// TestDeepestValueRendersAndEncodes: a value at the depth limit decodes,
// renders as JSON, and encodes; one level more is refused.
func TestDeepestValueRendersAndEncodes(t *testing.T) {
	v, err := unpickle(memoChain(DefaultMaxDepth-1), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ToJSON(v); err != nil {
		t.Errorf("ToJSON: %v", err)
	}
	if _, _, err := (&Codec{}).Encode(v); err != nil {
		t.Errorf("Encode: %v", err)
	}
	if _, err := unpickle(memoChain(DefaultMaxDepth), Limits{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one level deeper: %v", err)
	}
}
