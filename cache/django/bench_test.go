package django

import (
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"
)

// The benchmarks decode what Django writes (Python's pickle, protocol 4,
// from /usr/bin/python3 when present, else this package's own encoding)
// and encode the equivalent Go values: a typical session and a 100 KB str.

const benchSessionExpr = `{"_auth_user_id": "1", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend", "_auth_user_hash": "5f1d7a84e3b1c5e4f0e6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6", "_session_expiry": 1209600, "cart": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}], "user_id": 42, "name": "Zoë"}`

var benchSession = map[string]any{
	"_auth_user_id":      "1",
	"_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
	"_auth_user_hash":    "5f1d7a84e3b1c5e4f0e6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6",
	"_session_expiry":    1209600,
	"cart":               []any{map[string]any{"sku": "A-1", "qty": 2}, map[string]any{"sku": "B-7", "qty": 1}},
	"user_id":            42,
	"name":               "Zoë",
}

func benchInput(b *testing.B, expr string, v any) []byte {
	code := "import pickle,sys\nsys.stdout.write(pickle.dumps(" + expr + ", 4).hex())"
	if out, err := exec.Command("/usr/bin/python3", "-c", code).Output(); err == nil {
		data, _ := hex.DecodeString(string(out))
		return data
	}
	data, _, err := mustCodec(b, "redis://h/0?lib=django-redis").Encode(v)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkDecode(b *testing.B) {
	c := mustCodec(b, "redis://h/0?lib=django-redis")
	for _, tc := range []struct {
		name, expr string
		v          any
	}{{"session", benchSessionExpr, benchSession}, {"str100KB", `"x" * 100_000`, strings.Repeat("x", 100_000)}} {
		data := benchInput(b, tc.expr, tc.v)
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := c.Decode(data, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	c := mustCodec(b, "redis://h/0?lib=django-redis")
	for _, tc := range []struct {
		name string
		v    any
	}{{"session", benchSession}, {"str100KB", strings.Repeat("x", 100_000)}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := c.Encode(tc.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkToJSON(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ToJSON(benchSession); err != nil {
			b.Fatal(err)
		}
	}
}
