package bench

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/core"
)

// Pathological shapes: no input shape may cost much more per
// byte than a valid URL of the same size, errors included. Each input is
// close to the 8,192-byte limit; the valid 1,000-host cluster URL is the
// yardstick.
func shapeInputs() []struct{ name, in string } {
	hosts := make([]string, 0, 1000)
	for i := 0; len(strings.Join(hosts, ",")) < 8150; i++ {
		hosts = append(hosts, "n"+strconv.Itoa(i)+":6379")
	}
	cluster := "redis+cluster://" + strings.Join(hosts, ",")
	// params is redis://h/0? and distinct parameters p0=1&p1=1&... up to
	// size bytes, then tail.
	params := func(size int, tail string) string {
		var b strings.Builder
		b.WriteString("redis://h/0?")
		for i := 0; ; i++ {
			f := "p" + strconv.Itoa(i) + "=1"
			if b.Len()+1+len(f)+len(tail) > size {
				break
			}
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(f)
		}
		return b.String() + tail
	}
	fill := func(prefix, unit, suffix string) string {
		n := (core.MaxLength - len(prefix) - len(suffix)) / len(unit)
		return prefix + strings.Repeat(unit, n) + suffix
	}
	return []struct{ name, in string }{
		{"valid/cluster-1000-hosts", cluster},
		{"valid/params-distinct", params(core.MaxLength, "")},
		{"valid/many-at", fill("redis://", "@", "h/0")},
		{"valid/many-colon", fill("redis://", ":", "@h/0")},
		{"valid/ipv6-hosts", fill("redis://", "[::1],", "x")},
		{"valid/long-password", fill("redis://:", "aB3", "@h/0")},
		{"valid/long-escaped-password", fill("redis://:", "%41", "@h/0")},
		{"valid/long-option-name", fill("redis://h/0?", "n", "=1")},
		{"valid/long-option-value", fill("redis://h/0?x=", "v", "")},
		{"valid/many-plus", fill("redis://h/0?x=", "+", "")},
		{"error/plus-question", "redis://h/0?" + strings.Repeat("+?", 4088) + "=1"},
		{"error/many-question", fill("redis://h/0?", "?", "")},
		{"error/many-question-param", fill("redis://h/0?", "?x=1", "&x")},
		{"error/params-duplicate-last", params(core.MaxLength, "&p0=1")},
		{"error/params-bad-last", params(core.MaxLength, "&p$=1")},
		{"error/many-at-path", fill("redis://u:p/", "@", "")},
		{"error/many-colon-host", fill("redis://h", ":", "/0")},
		{"error/many-percent", fill("redis://:", "%", "@h/0")},
		{"error/many-percent-query", fill("redis://h/0?x=", "%", "")},
		{"error/many-commas", fill("redis://h", ",", "")},
		{"error/many-empty-hosts", fill("memcached://", ",h", ",")},
		{"error/bad-last-host", cluster[:8000] + ",bad$host"},
		{"error/many-slashes", fill("redis://h", "/", "")},
		{"error/many-amp", fill("redis://h/0?", "&", "x")},
		{"error/many-eq", fill("redis://h/0?x", "=", "&y")},
		{"error/long-option-name-bad", fill("redis://h/0?", "n", "$=1")},
		{"error/unknown-scheme-long", fill("", "r", "://h")},
		{"error/many-brackets", fill("redis://", "[", "")},
		{"error/ipv6-many", fill("redis://", "[::1],", "[x]")},
		{"error/too-long", strings.Repeat("a", 20000)},
		{"error/many-credential-params", fill("redis://h/0?", "password=x&", "bad")},
		{"error/delimiter-in-password", fill("redis://u:", "a/", "@h/0")},
		{"error/fragment", fill("redis://:", "#", "@h/0")},
		{"error/credential-then-bare", fill("redis://h/0?token=a", "&b", "")},
		{"error/many-at-query-value", fill("redis://u:p@h/0?k=", "@", "&x")},
		{"error/many-at-query-names", fill("redis://u:p@h/0?", "@=1&", "")},
	}
}

// BenchmarkShapes: one op is one Parse of a ~8 KB input; sec/byte via
// SetBytes (MB/s) and ns/B below.
func BenchmarkShapes(b *testing.B) {
	for _, s := range shapeInputs() {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(s.in)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sink, _ = core.Parse(s.in)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.in)), "ns/B")
		})
	}
}

func TestShapesSize(t *testing.T) {
	for _, s := range shapeInputs() {
		if s.name != "error/too-long" && (len(s.in) < 7000 || len(s.in) > core.MaxLength) {
			t.Errorf("%s: %d bytes, want 7,000-8,192", s.name, len(s.in))
		}
		_, err := core.Parse(s.in)
		if strings.HasPrefix(s.name, "valid/") != (err == nil) {
			t.Errorf("%s: Parse error %v", s.name, err)
		}
	}
}
