package bench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/core"
)

// BenchmarkDjango: one op renders the Django view of every corpus URL that
// has one (sentinel and cluster do not).
func BenchmarkDjango(b *testing.B) {
	var cs []core.Config
	for _, c := range parsedCorpus(b) {
		if c.Topology != core.Sentinel && c.Topology != core.Cluster {
			cs = append(cs, c)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range cs {
			sink, _ = cs[j].Django()
		}
	}
}

// batchLines is the size of the CLI batch benchmark's input.
const batchLines = 100_000

// BenchmarkCLIBatch runs `cacheurl parse -` as a whole process on 100,000
// corpus lines with GOMAXPROCS=1 (one core), and reports URLs per second of
// wall-clock time. One op is one whole process run.
func BenchmarkCLIBatch(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "cacheurl")
	build := exec.Command("go", "build", "-o", bin, "../cmd/cacheurl")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	var in strings.Builder
	for i := 0; i < batchLines; i++ {
		in.WriteString(corpus[i%len(corpus)])
		in.WriteByte('\n')
	}
	input := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(input, []byte(in.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{"json", "django", "url"} {
		b.Run("format="+format, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				f, err := os.Open(input)
				if err != nil {
					b.Fatal(err)
				}
				var out bytes.Buffer
				cmd := exec.Command(bin, "parse", "--format", format, "-")
				cmd.Stdin, cmd.Stdout = f, &out
				cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
				start := time.Now()
				err = cmd.Run()
				total += time.Since(start)
				f.Close()
				// Sentinel and cluster lines fail in the django format: exit 1.
				if err != nil && format != "django" {
					b.Fatalf("cacheurl parse: %v", err)
				}
				if n := bytes.Count(out.Bytes(), []byte{'\n'}); n != batchLines {
					b.Fatalf("%d output lines, want %d", n, batchLines)
				}
			}
			b.ReportMetric(float64(batchLines)*float64(b.N)/total.Seconds(), "urls/s")
		})
	}
}
