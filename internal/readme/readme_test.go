package readme

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const root = "../.."

// block is a fenced code block of a document.
type block struct {
	file    string
	line    int // of the opening fence, from 1
	lang    string
	text    string // the content, with a final newline
	snippet string // the snippet name given before it, or ""
}

var snippetMarker = regexp.MustCompile(`^<!-- snippet: ([a-z0-9-]+) -->$`)

// blocks returns the fenced blocks of a markdown file.
func blocks(t *testing.T, file string) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	var out []block
	lines := strings.Split(string(data), "\n")
	marker := ""
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if m := snippetMarker.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			marker = m[1]
			continue
		}
		if !strings.HasPrefix(l, "```") {
			if strings.TrimSpace(l) != "" {
				marker = ""
			}
			continue
		}
		b := block{file: file, line: i + 1, lang: strings.TrimSpace(strings.TrimPrefix(l, "```")), snippet: marker}
		marker = ""
		var body strings.Builder
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			body.WriteString(lines[i] + "\n")
		}
		b.text = body.String()
		out = append(out, b)
	}
	return out
}

// TestSnippets: every Go block of the documents is a snippet program, as it
// is in internal/readme/snippets, and every snippet is shown somewhere.
func TestSnippets(t *testing.T) {
	shown := map[string]bool{}
	for _, file := range Docs {
		for _, b := range blocks(t, file) {
			if b.lang != "go" {
				continue
			}
			if b.snippet == "" {
				t.Errorf("%s:%d: a go block without <!-- snippet: name --> before it: every Go block is a tested program", b.file, b.line)
				continue
			}
			want, err := os.ReadFile(filepath.Join("snippets", b.snippet, "main.go"))
			if err != nil {
				t.Errorf("%s:%d: %v", b.file, b.line, err)
				continue
			}
			if b.text != string(want) {
				t.Errorf("%s:%d: the block differs from internal/readme/snippets/%s/main.go", b.file, b.line, b.snippet)
			}
			shown[b.snippet] = true
		}
	}
	dirs, _ := filepath.Glob(filepath.Join("snippets", "*", "main.go"))
	for _, d := range dirs {
		if name := filepath.Base(filepath.Dir(d)); !shown[name] {
			t.Errorf("snippet %s is in no document", name)
		}
	}
}

// TestReadmeShape: README.md is short, its table of contents lists its
// sections, and the links of every document resolve.
func TestReadmeShape(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	if n := strings.Count(readme, "\n"); n > MaxREADMELines {
		t.Errorf("README.md has %d lines, more than %d: move the detail to docs/", n, MaxREADMELines)
	}
	var headings []string
	inFence := false
	for _, l := range strings.Split(readme, "\n") {
		if strings.HasPrefix(l, "```") {
			inFence = !inFence
		}
		if !inFence && strings.HasPrefix(l, "## ") {
			headings = append(headings, strings.TrimPrefix(l, "## "))
		}
	}
	toc := regexp.MustCompile(`(?m)^- \[([^\]]+)\]\(#([^)]+)\)`).FindAllStringSubmatch(readme, -1)
	anchors := map[string]bool{}
	for _, h := range headings {
		anchors[slug(h)] = true
	}
	listed := map[string]bool{}
	for _, m := range toc {
		if !anchors[m[2]] {
			t.Errorf("the contents link to #%s, which is no section", m[2])
		}
		listed[m[2]] = true
	}
	for _, h := range headings {
		if h != "Contents" && !listed[slug(h)] {
			t.Errorf("section %q is not in the contents", h)
		}
	}
	pending := map[string]bool{}
	for _, p := range Pending {
		pending[p] = true
	}
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	for _, file := range Docs {
		text, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if bytes.Contains(text, []byte("SPEC"+".md")) {
			t.Errorf("%s cites the developers' spec; state the rule or link to docs/", file)
		}
		prose := regexp.MustCompile("(?s)```.*?```|`[^`\n]*`").ReplaceAllString(string(text), "")
		for _, m := range link.FindAllStringSubmatch(prose, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			rel := filepath.ToSlash(filepath.Join(filepath.Dir(file), target))
			if pending[rel] {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, rel)); err != nil {
				t.Errorf("%s links to %s, which does not exist", file, target)
			}
		}
	}
}

// slug is GitHub's anchor for a heading.
func slug(h string) string {
	h = strings.ToLower(h)
	var b strings.Builder
	for _, r := range h {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestTranscripts runs every console transcript of the documents.
func TestTranscripts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the snippets and the CLI; skipped with -short")
	}
	bins := buildAll(t)
	var all []block
	for _, file := range Docs {
		all = append(all, blocks(t, file)...)
	}
	var text strings.Builder
	for _, b := range all {
		text.WriteString(b.text)
	}
	addrs := startServers(t, text.String())
	for _, file := range Docs {
		last := "" // the snippet "go run ." runs
		for _, b := range blocks(t, file) {
			if b.snippet != "" {
				last = b.snippet
			}
			if b.lang != "console" {
				continue
			}
			t.Run(fmt.Sprintf("%s:%d", file, b.line), func(t *testing.T) {
				runTranscript(t, b, last, bins, addrs)
			})
		}
	}
}

// buildAll builds every snippet and the CLI into one directory.
func buildAll(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// With the environment as it is: the build a user makes (VCS stamping
	// and toolchain selection included).
	cmd := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "./internal/readme/snippets/...", "./cmd/cacheurl")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// step is one "$ ..." line of a transcript and what it prints.
type step struct {
	line string
	want string
}

func steps(text string) []step {
	var out []step
	for _, l := range strings.SplitAfter(text, "\n") {
		if c, ok := strings.CutPrefix(l, "$ "); ok {
			out = append(out, step{line: strings.TrimSpace(c)})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].want += l
		}
	}
	return out
}

func runTranscript(t *testing.T, b block, snippet, bins string, addrs *addrMap) {
	env := map[string]string{}
	for _, st := range steps(b.text) {
		words, err := shellWords(st.line)
		if err != nil {
			t.Fatalf("%q: %v", st.line, err)
		}
		echoStatus := false
		if n := len(words); n >= 2 && words[n-2] == ";" && words[n-1] == "echo $?" {
			echoStatus, words = true, words[:n-2]
		}
		if len(words) >= 1 && words[0] == "export" {
			for _, w := range words[1:] {
				k, v, _ := strings.Cut(w, "=")
				env[k] = v
			}
			continue
		}
		// printf '%s\n' a b c | cacheurl ...: the arguments, one per line, on
		// standard input.
		stdin := ""
		if len(words) >= 2 && words[0] == "printf" && words[1] == `%s\n` {
			i := 2
			for i < len(words) && words[i] != "|" {
				stdin += words[i] + "\n"
				i++
			}
			if i == len(words) {
				t.Fatalf("%q: printf without a pipe", st.line)
			}
			words = words[i+1:]
		}
		cmdEnv := map[string]string{}
		for k, v := range env {
			cmdEnv[k] = v
		}
		for len(words) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[0]) {
			k, v, _ := strings.Cut(words[0], "=")
			cmdEnv[k] = v
			words = words[1:]
		}
		var bin string
		var args []string
		goRun, isSnippet := false, false
		switch {
		case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == ".":
			if snippet == "" {
				t.Fatalf("%q: no snippet above this transcript", st.line)
			}
			bin, args, goRun, isSnippet = filepath.Join(bins, snippet), words[3:], true, true
		case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/cacheurl":
			bin, args, goRun = filepath.Join(bins, "cacheurl"), words[3:], true
		case len(words) >= 1 && words[0] == "cacheurl":
			bin, args = filepath.Join(bins, "cacheurl"), words[1:]
		default:
			t.Fatalf("%q: a transcript may run go run ., go run ./cmd/cacheurl or cacheurl", st.line)
		}
		cmd := exec.Command(bin, addrs.realAll(args)...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}
		for k, v := range cmdEnv {
			cmd.Env = append(cmd.Env, k+"="+addrs.real(v))
		}
		if isSnippet {
			cmd.Dir = filepath.Join("snippets", snippet)
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Stdin = strings.NewReader(stdin)
		status := 0
		if err := cmd.Run(); err != nil {
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("%q: %v", st.line, err)
			}
			status = exit.ExitCode()
		}
		got := addrs.documented(out.String())
		if goRun && status != 0 {
			got += fmt.Sprintf("exit status %d\n", status)
		}
		if echoStatus {
			got += fmt.Sprintf("%d\n", status)
		}
		if g, w := normalize(got), normalize(strings.TrimRight(st.want, "\n")+"\n"); g != w {
			t.Errorf("$ %s\n got:\n%s\nwant:\n%s", st.line, got, st.want)
		}
	}
}

// shellWords splits a transcript line as sh would, for the quoting the
// documents use: 'single', "double" (no expansion), and a final "; echo $?".
func shellWords(line string) ([]string, error) {
	var words []string
	tail := ""
	if s, ok := strings.CutSuffix(line, "; echo $?"); ok {
		line, tail = s, "echo $?"
	}
	var cur strings.Builder
	in := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(line[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unclosed quote")
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			in = true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	if tail != "" {
		words = append(words, ";", tail)
	}
	return words, nil
}

var (
	reLogTime  = regexp.MustCompile(`(?m)^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `)
	reDuration = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s)\b`)
	reMillis   = regexp.MustCompile(`("(?:latency|connect|round_trip|elapsed)_ms":)[0-9.]+`)
	reVersion  = regexp.MustCompile(`\b(redis|valkey|memcached) \d+\.\d+\.\d+\b`)
	reGo       = regexp.MustCompile(`\bgo1\.\d+(\.\d+)?( \w+/\w+)?`)
	// reBuild is what `cacheurl --version` says about the build before the
	// Go version: the module version ("(devel)", a tag, a pseudo-version,
	// "+dirty") and, when the build stamped it, the commit, its time and
	// whether the tree was modified. Every build stamps its own, so a
	// transcript may show any of them.
	reBuild = regexp.MustCompile(`(?m)^cacheurl (?:\((?:devel|unknown)\)|v\d+\.\d+\.\d+\S*)(?: \(commit [0-9a-f]+(?:, [^,)]+)?(?:, modified)?\))? (go1\.)`)
)

// normalize replaces what differs from run to run: log timestamps,
// measured durations, latencies, server and Go versions, and the build
// stamp of a `cacheurl --version` line.
func normalize(s string) string {
	s = reBuild.ReplaceAllString(s, "cacheurl <build> $1")
	s = reLogTime.ReplaceAllString(s, "")
	s = reMillis.ReplaceAllString(s, "${1}<ms>")
	s = reVersion.ReplaceAllString(s, "$1 <version>")
	s = reGo.ReplaceAllString(s, "<go>")
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(line, "connect:") || strings.HasPrefix(line, "round trip:") || strings.Contains(line, "gave up after") {
			line = reDuration.ReplaceAllString(line, "<duration>")
		}
		b.WriteString(line)
	}
	return b.String()
}

// TestNormalizeBuild: the build part of a `cacheurl --version` line is a
// placeholder, whatever the build stamped; nothing else is touched.
func TestNormalizeBuild(t *testing.T) {
	const want = "cacheurl <build> <go>\n"
	for _, line := range []string{
		"cacheurl (devel) go1.26.8 linux/amd64",
		"cacheurl (unknown) go1.24.0 darwin/arm64",
		"cacheurl v0.0.0-20261202172755-74e1eed840ac (commit 74e1eed840ac, 2026-12-02T17:27:55Z) go1.26.8 linux/amd64",
		"cacheurl v0.0.0-20261202140750-d4b3795a1b2c+dirty (commit d4b3795a1b2c, 2026-12-02T14:07:50Z, modified) go1.26.8 linux/amd64",
		"cacheurl v1.2.3 (commit d4b3795a1b2c) go1.25.1 linux/386",
		"cacheurl v1.2.3 go1.25.1 linux/386",
	} {
		if got := normalize(line + "\n"); got != want {
			t.Errorf("normalize(%q) = %q, want %q", line, got, want)
		}
	}
	for _, line := range []string{
		"cacheurl: missing scheme://; a CACHE_URL looks like redis://host:6379/0 or locmem://",
		"cacheurl check: redis://h/0: FAILED (refused)",
		"  cacheurl (devel) go1.26.8 linux/amd64",
	} {
		if got := normalize(line + "\n"); strings.Contains(got, "<build>") {
			t.Errorf("normalize(%q) = %q: not a --version line", line, got)
		}
	}
}
