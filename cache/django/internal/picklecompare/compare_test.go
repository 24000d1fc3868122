// Package picklecompare measures the Go pickle libraries package django
// was compared with (kisielk/og-rek v1.3.0, nlpodyssey/gopickle v0.2.0)
// against real Python, on the cases that decided for a decoder and an
// encoder of the project's own. Run it in this directory:
//
//	go test -v .
//	go test -run='^$' -bench=. -benchmem -count=5 .
package picklecompare

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	ogórek "github.com/kisielk/og-rek"
	gopickle "github.com/nlpodyssey/gopickle/pickle"

	"github.com/cacheurl/cacheurl/cache/django"
)

func python(t testing.TB) string {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Skip("no python3")
	return ""
}

// pyDumps returns pickle.dumps(eval(expr), proto) from real Python.
func pyDumps(t testing.TB, expr string, proto int) []byte {
	t.Helper()
	code := fmt.Sprintf("import pickle,sys,datetime\nsys.stdout.write(pickle.dumps(%s, %d).hex())", expr, proto)
	out, err := exec.Command(python(t), "-c", code).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	b, _ := hex.DecodeString(string(out))
	return b
}

// pyLoads returns repr(pickle.loads(data)) and its type, from real Python.
func pyLoads(t testing.TB, data []byte) string {
	t.Helper()
	code := "import pickle,sys\nv = pickle.loads(bytes.fromhex(sys.argv[1]))\nprint(type(v).__name__, repr(v))"
	out, err := exec.Command(python(t), "-c", code, hex.EncodeToString(data)).CombinedOutput()
	if err != nil {
		return "error: " + strings.TrimSpace(string(out[bytes.LastIndexByte(bytes.TrimSpace(out), '\n')+1:]))
	}
	return strings.TrimSpace(string(out))
}

func ogrek(data []byte, pyDict bool) (any, error) {
	return ogórek.NewDecoderWithConfig(bytes.NewReader(data), &ogórek.DecoderConfig{PyDict: pyDict}).Decode()
}

func ours(data []byte) (any, error) { return (&django.Codec{}).Decode(data, 0) }

// TestReadingWhatPythonWrites logs what each library makes of pickles real
// Python writes (protocol 4, as django-redis does).
func TestReadingWhatPythonWrites(t *testing.T) {
	for _, expr := range []string{
		`{"a": l, "b": l} if (l := [1, 2]) else 0`,
		`2**1015`,
		`2**2048 + 1`,
		`{1, 2}`,
		`frozenset([1])`,
		`{"when": datetime.datetime(2024, 1, 2), "n": 1}`,
	} {
		data := pyDumps(t, expr, 4)
		o, oerr := ogrek(data, false)
		g, gerr := gopickle.Loads(string(data))
		u, uerr := ours(data)
		t.Logf("%s\n\tog-rek:   %#v %v\n\tgopickle: %#v %v\n\tdjango:   %#v %v", expr, o, oerr, g, gerr, u, uerr)
	}
}

// TestOgrekEncoderAsPythonReadsIt: what Python reads from og-rek's output,
// with its default protocol (2) and with protocol 4.
func TestOgrekEncoderAsPythonReadsIt(t *testing.T) {
	for _, proto := range []int{0, 4} {
		for _, v := range []any{"Zoë", []byte("raw"), ogórek.Bytes("raw"), map[string]any{"k": []any{1, 2.0}}} {
			var buf bytes.Buffer
			cfg := &ogórek.EncoderConfig{Protocol: proto}
			if proto == 0 {
				cfg.Protocol = 2 // NewEncoder's default
			}
			err := ogórek.NewEncoderWithConfig(&buf, cfg).Encode(v)
			t.Logf("og-rek protocol %d, Go %T %v: %v -> Python %s", cfg.Protocol, v, v, err, pyLoads(t, buf.Bytes()))
		}
	}
}

// TestCostOfHostileInputs: time and allocation of the inputs that aim at
// quadratic or exponential work, per library.
func TestCostOfHostileInputs(t *testing.T) {
	measure := func(name string, f func() error) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		err := f()
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		msg := "ok"
		if err != nil {
			msg = err.Error()
			if len(msg) > 80 {
				msg = msg[:80]
			}
		}
		t.Logf("%-48s %10v %12d bytes allocated  %s", name, elapsed.Round(time.Millisecond), after.TotalAlloc-before.TotalAlloc, msg)
	}
	for _, n := range []int{100_000, 200_000, 400_000} {
		in := []byte("I" + strings.Repeat("9", n) + "\n.")
		measure(fmt.Sprintf("og-rek INT of %d digits", n), func() error { _, err := ogrek(in, false); return err })
		measure(fmt.Sprintf("django INT of %d digits", n), func() error { _, err := ours(in); return err })
	}
	// A tuple doubled n times through the memo, used as a dict key.
	for _, n := range []int{16, 18, 20} {
		var b bytes.Buffer
		b.WriteString("\x80\x04}K\x01q\x00")
		for i := 0; i < n; i++ {
			b.WriteString("0h\x00h\x00\x86q\x00")
		}
		b.WriteString("K\x01s.")
		in := b.Bytes()
		measure(fmt.Sprintf("og-rek PyDict, a key doubled %d times", n), func() error { _, err := ogrek(in, true); return err })
		measure(fmt.Sprintf("django, a key doubled %d times", n), func() error { _, err := ours(in); return err })
	}
	in := []byte("\x80\x04X\x00\x00\x00\x04") // a 64 MiB str declared, nothing follows
	measure("gopickle 8 bytes declaring a 64 MiB str", func() error { _, err := gopickle.Loads(string(in)); return err })
	measure("og-rek 8 bytes declaring a 64 MiB str", func() error { _, err := ogrek(in, false); return err })
	measure("django 8 bytes declaring a 64 MiB str", func() error { _, err := ours(in); return err })
}

var session = map[string]any{
	"_auth_user_id":      "1",
	"_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
	"_auth_user_hash":    "5f1d7a84e3b1c5e4f0e6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6",
	"_session_expiry":    1209600,
	"cart":               []any{map[string]any{"sku": "A-1", "qty": 2}, map[string]any{"sku": "B-7", "qty": 1}},
	"user_id":            42,
	"name":               "Zoë",
}

const sessionExpr = `{"_auth_user_id": "1", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend", "_auth_user_hash": "5f1d7a84e3b1c5e4f0e6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6", "_session_expiry": 1209600, "cart": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}], "user_id": 42, "name": "Zoë"}`

func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct{ name, expr string }{{"session", sessionExpr}, {"str100KB", `"x" * 100_000`}} {
		data := pyDumps(b, c.expr, 4)
		b.Run(c.name+"/django", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := ours(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/og-rek", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := ogrek(data, false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/gopickle", func(b *testing.B) {
			b.ReportAllocs()
			s := string(data)
			for i := 0; i < b.N; i++ {
				if _, err := gopickle.Loads(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	codec := &django.Codec{}
	for _, c := range []struct {
		name string
		v    any
	}{{"session", session}, {"str100KB", strings.Repeat("x", 100_000)}} {
		b.Run(c.name+"/django", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := codec.Encode(c.v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/og-rek", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var buf bytes.Buffer
				if err := ogórek.NewEncoderWithConfig(&buf, &ogórek.EncoderConfig{Protocol: 4}).Encode(c.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
