// Command cacheurl shows what a CACHE_URL means.
//
// Usage:
//
//	cacheurl parse [--format json|django|url] [--show-secrets] [--input raw|json] [URL | -]
//	cacheurl explain [--show-secrets] [--input raw|json] [URL]
//	cacheurl check [--timeout 5s] [--wait DURATION] [--json] [--allow-unknown] [URL]
//	cacheurl get [--url URL] [--timeout 5s] [--allow-unknown] KEY
//	cacheurl set [--url URL] [--ttl DURATION] [--timeout 5s] [--allow-unknown] KEY JSON|-
//	cacheurl help [command]
//	cacheurl --version
//
// Without a URL the commands read $CACHE_URL, and use locmem:// when it is
// unset or empty, as django-cache-url's config() does. parse prints the
// structured form (json, the default), the Django CACHES entry (django) or
// the canonical URL (url); with "-" it reads one URL per line from standard
// input and writes one JSON object per line. explain prints a readable
// breakdown and warns where django-cache-url, Django and go-redis read the
// URL differently; check connects to the cache and does a round trip
// (--wait retries until it is ready, --json prints one JSON object).
// get prints the value a Django service stores under KEY (the key made
// with the URL's key_prefix and version) as one line of JSON; set stores
// a JSON value as Django stores the equivalent Python value (package
// cache/django); they need $CACHE_URL or --url.
// Passwords and credential options are shown as xxxxx unless --show-secrets
// is given; the json and url forms are then those of core.Reveal, the one
// lossless opt-in of the library (docs/secrets.md). --version
// prints the version the binary was built from (its module version, VCS
// revision and Go version).
//
// Exit status: 0 on success; 1 when a URL is invalid (in batch mode: when
// any line failed; for check: also when the client cannot use the URL);
// 2 for usage errors; 3 when check could not reach the server or the round
// trip failed (get and set: the server could not be reached or failed);
// 4 when get finds no value under the key.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFail        = 1 // the URL is invalid (or, for check, unusable)
	exitUsage       = 2
	exitUnreachable = 3 // check: the server did not answer, or the round trip failed
)

// env is what a command may touch: its streams and the environment.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand. Commands register themselves in commands from
// an init function in their own file (register), so adding one is adding a
// file.
type command struct {
	name    string
	summary string // one line, for the command list
	usage   string // the synopsis after "cacheurl "
	run     func(e *env, args []string) int
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("cacheurl: command " + c.name + " registered twice")
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// run is the whole program, with its inputs and outputs as parameters so
// tests can run it in-process. It returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	out, errOut := &printableWriter{w: stdout}, &printableWriter{w: stderr}
	defer out.flush()
	defer errOut.flush()
	stdout, stderr = out, errOut
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 {
		writeHelp(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run(e, []string{"-h"})
			}
			fmt.Fprintf(stderr, "cacheurl: unknown command %q\n", args[1])
			writeHelp(stderr)
			return exitUsage
		}
		writeHelp(stdout)
		return exitOK
	case "--version", "-version":
		if len(args) > 1 {
			fmt.Fprintf(stderr, "cacheurl: --version takes no arguments\n")
			return exitUsage
		}
		info, _ := debug.ReadBuildInfo()
		fmt.Fprintln(stdout, versionLine(info))
		return exitOK
	}
	if strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "cacheurl: unknown flag %s; flags come after the command\n\n", flagName(args[0]))
		writeHelp(stderr)
		return exitUsage
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cacheurl: unknown command %q\n\n", args[0])
		writeHelp(stderr)
		return exitUsage
	}
	return c.run(e, args[1:])
}

func writeHelp(w io.Writer) {
	names := make([]string, 0, len(commands))
	width := 0
	for n := range commands {
		names = append(names, n)
		width = max(width, len(n))
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("cacheurl shows what a CACHE_URL means.\n\nUsage:\n\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  cacheurl %s\n", commands[n].usage)
	}
	b.WriteString("\nCommands:\n\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, n, commands[n].summary)
	}
	b.WriteString("\nWithout a URL, commands read $CACHE_URL (locmem:// when unset or empty; get and set need one).\n")
	b.WriteString("Run \"cacheurl help <command>\" for a command's flags, \"cacheurl --version\" for the version.\n")
	io.WriteString(w, b.String())
}

// newFlagSet returns a silent flag set for a subcommand: errors are
// returned (not printed, no exit), and usageError prints the usage.
func newFlagSet(c command) *flag.FlagSet {
	fs := flag.NewFlagSet("cacheurl "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// writeUsage prints a command's synopsis, summary and flags.
func writeUsage(w io.Writer, fs *flag.FlagSet, c command) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: cacheurl %s\n\n%s.\n\nFlags:\n", c.usage, upperFirst(c.summary))
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(&b, "  --%s", f.Name)
		if name != "" {
			b.WriteString(" " + name)
		}
		b.WriteString("\n        " + usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0s" {
			fmt.Fprintf(&b, " (default %s)", f.DefValue)
		}
		b.WriteByte('\n')
	})
	io.WriteString(w, b.String())
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// parseArgs parses flags and positional arguments in any order: flags may
// come before or after the URL. "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError reports a usage problem on stderr with the command's synopsis
// and returns 2. For -h it prints the full usage to stdout and returns 0.
func usageError(e *env, fs *flag.FlagSet, c command, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		writeUsage(e.stdout, fs, c)
		return exitOK
	}
	if reportEnvError(e, err) {
		return exitFail
	}
	fmt.Fprintf(e.stderr, "cacheurl %s: %s\nUsage: cacheurl %s\nRun \"cacheurl help %s\" for the flags.\n", c.name, flagError(fs, err), c.usage, c.name)
	return exitUsage
}

// flagError rewords the flag package's errors in the CLI's own terms: its
// flags are written --name, and the user should read back what they typed
// ("unknown flag --bogus", not "flag provided but not defined: -bogus").
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return "unknown flag " + flagName(name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "flag " + flagName(name) + " needs a value"
	}
	if name, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return "bad flag syntax: " + name + " (write --name or --name=value)"
	}
	// invalid value "x" for flag -timeout: parse error
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		if i := strings.Index(rest, " for flag -"); i >= 0 {
			value, tail := rest[:i], rest[i+len(" for flag -"):]
			name, _, _ := strings.Cut(tail, ":")
			want := "a valid value"
			if f := fs.Lookup(name); f != nil {
				switch f.Value.(type) {
				case interface{ IsBoolFlag() bool }:
					want = "true or false"
				default:
					if _, err := time.ParseDuration(f.DefValue); err == nil {
						want = "a duration such as 500ms, 5s or 1m"
					}
				}
			}
			return fmt.Sprintf("invalid value %s for --%s: want %s", value, name, want)
		}
	}
	if name, ok := strings.CutPrefix(msg, "invalid boolean flag "); ok {
		return "invalid boolean flag --" + strings.TrimLeft(name, "-")
	}
	return msg
}

// flagName writes a flag as the user should type it: --name.
func flagName(arg string) string {
	name, _, _ := strings.Cut(arg, "=")
	return "--" + strings.TrimLeft(name, "-")
}

// versionLine describes the build: the module version (a tagged version,
// a pseudo-version from the VCS stamp, or "(devel)"), the VCS revision and
// time when stamped, and the Go version and platform.
func versionLine(info *debug.BuildInfo) string {
	version, goVersion := "(unknown)", runtime.Version()
	var rev, when, modified string
	if info != nil {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		if info.GoVersion != "" {
			goVersion = info.GoVersion
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = ", modified"
				}
			}
		}
	}
	line := "cacheurl " + version
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line += " (commit " + rev
		if when != "" {
			line += ", " + when
		}
		line += modified + ")"
	}
	return line + " " + goVersion + " " + runtime.GOOS + "/" + runtime.GOARCH
}
