package readme

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKoanfProgramReload runs the README's koanf program with --watch and
// changes config.yaml: the reload builds a new instance from every source,
// so the environment's URL and the flag still win, and the line it prints
// is what a fresh start with the new file prints last.
func TestKoanfProgramReload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the koanf snippet; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "app")
	build := exec.Command("go", "build", "-o", bin, "./internal/readme/snippets/koanf")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	config := filepath.Join(dir, "config.yaml")
	// write replaces config.yaml in one step (a new file renamed over
	// it), as editors and Kubernetes do, so no reload reads it half
	// written.
	write := func(s string) error {
		tmp := filepath.Join(dir, "config.yaml.tmp")
		if err := os.WriteFile(tmp, []byte(s), 0o600); err != nil {
			return err
		}
		return os.Rename(tmp, config)
	}
	if err := write(`cache: {url: "redis://cache/1?timeout=300", ttl: 60s, key_prefix: app}` + "\n"); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "CACHE_URL=redis://:s3cret@cache-b/2?timeout=10")

	cmd := exec.Command(bin, "--cache.ttl=5m", "--watch")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 16)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	next := func(what string) string {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the program exited before %s", what)
			}
			return l
		case <-time.After(20 * time.Second):
			t.Fatalf("no %s within 20 s", what)
		}
		return ""
	}
	if got, want := next("the start-up line"), "redis://:xxxxx@cache-b/2?timeout=300&key_prefix=app"; got != want {
		t.Fatalf("start-up: got %q, want %q", got, want)
	}
	// Only key_prefix changes in the file: the environment's URL and the
	// flag's ttl still win. The program sets its watch up after the first
	// load, so the file is written again until a reload shows.
	changed := `cache: {url: "redis://cache/1?timeout=300", ttl: 60s, key_prefix: web}` + "\n"
	if err := write(changed); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
				_ = write(changed)
			}
		}
	}()
	want := "redis://:xxxxx@cache-b/2?timeout=300&key_prefix=web"
	for {
		got := next("a reload line")
		if got == want {
			break
		}
		// A watcher may see the write as two events; a line before the
		// last shows a config of the old or the new file.
		if !strings.HasPrefix(got, "redis://:xxxxx@cache-b/2?timeout=300&key_prefix=") {
			t.Fatalf("reload: got %q, want %q", got, want)
		}
	}
	// A fresh start with the changed file prints the same config.
	fresh := exec.Command(bin, "--cache.ttl=5m")
	fresh.Dir, fresh.Env = dir, env
	b, err := fresh.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(b)); got != want {
		t.Errorf("fresh start: %q, reload gave %q", got, want)
	}
}
