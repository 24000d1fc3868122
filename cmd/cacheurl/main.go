// Command cacheurl shows what a CACHE_URL means.
//
// Usage:
//
//	cacheurl parse [--format json|django|url] [--show-secrets] [--input raw|json] [URL | -]
//	cacheurl explain [--show-secrets] [--input raw|json] [URL]
//	cacheurl check [--timeout 5s] [--allow-unknown] [URL]
//	cacheurl help [command]
//
// Without a URL the commands read $CACHE_URL, and use locmem:// when it is
// unset or empty, as django-cache-url's config() does. parse prints the
// structured form (json, the default), the Django CACHES entry (django) or
// the canonical URL (url); with "-" it reads one URL per line from standard
// input and writes one JSON object per line. explain prints a readable
// breakdown and warns where django-cache-url, Django and go-redis read the
// URL differently; check connects to the cache. Passwords are shown as
// xxxxx unless --show-secrets is given.
//
// Exit status: 0 on success, 1 when a URL is invalid (in batch mode: when
// any line failed), 2 for usage errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
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
	b.WriteString("\nWithout a URL, commands read $CACHE_URL (locmem:// when unset or empty).\n")
	b.WriteString("Run \"cacheurl help <command>\" for a command's flags.\n")
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
		if f.DefValue != "" && f.DefValue != "false" {
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
	fmt.Fprintf(e.stderr, "cacheurl %s: %v\nUsage: cacheurl %s\nRun \"cacheurl help %s\" for the flags.\n", c.name, err, c.usage, c.name)
	return exitUsage
}
