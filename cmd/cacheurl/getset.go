package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/cache/django"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

// exitMissing is get's status for a key that is not in the cache.
const exitMissing = 4

var getCmd = command{
	name:    "get",
	summary: "print the value Django stores under a key as one line of JSON",
	usage:   "get [--url URL] [--timeout 5s] [--allow-unknown] KEY",
}

var setCmd = command{
	name:    "set",
	summary: "store a JSON value under a key as Django stores the equivalent Python value",
	usage:   "set [--url URL] [--ttl DURATION] [--timeout 5s] [--allow-unknown] KEY JSON|-",
}

func init() {
	getCmd.run = runGet
	setCmd.run = runSet
	register(getCmd)
	register(setCmd)
}

// valueFlags are the flags get and set share.
type valueFlags struct {
	url     *string
	timeout *time.Duration
	allow   *bool
}

func addValueFlags(fs *flag.FlagSet) valueFlags {
	return valueFlags{
		url:     fs.String("url", "", "the cache's `URL` (default: $CACHE_URL, or the file $CACHE_URL_FILE names)"),
		timeout: fs.Duration("timeout", 5*time.Second, "give up after this long (connect and the operation)"),
		allow:   fs.Bool("allow-unknown", false, "let the client ignore URL options it does not know instead of failing"),
	}
}

// valueCache is what get and set work on: the cache with Django's values,
// its config and where its URL came from.
type valueCache struct {
	c      *django.Cache
	cfg    core.Config
	source string
}

// withValueCache opens the cache of --url or $CACHE_URL and runs f on it
// within --timeout, and returns f's exit status, or the status of the
// failure to open it (the message printed).
func withValueCache(e *env, c command, vf valueFlags, f func(context.Context, *valueCache) int) int {
	ctx, cancel := context.WithTimeout(context.Background(), *vf.timeout)
	defer cancel()
	vc, status := openValueCache(ctx, e, c, vf)
	if vc == nil {
		return status
	}
	defer vc.c.Close()
	return f(ctx, vc)
}

// openValueCache opens the cache of --url or $CACHE_URL. It returns the
// exit status when it cannot (the message is printed).
func openValueCache(ctx context.Context, e *env, c command, vf valueFlags) (*valueCache, int) {
	raw, source := *vf.url, ""
	if raw == "" {
		var err error
		raw, source, err = core.EnvURL(e.getenv, core.DefaultEnv, "")
		if err != nil {
			printError(e.stderr, err, source)
			return nil, exitFail
		}
		if raw == "" {
			fmt.Fprintf(e.stderr, "cacheurl %s: no cache: set CACHE_URL (or CACHE_URL_FILE), or give --url\n", c.name)
			return nil, exitUsage
		}
		source = core.DefaultEnv
	}
	cfg, err := core.Parse(raw)
	if err != nil {
		printError(e.stderr, err, source)
		return nil, exitFail
	}
	if cfg.Backend == core.BackendLocmem || cfg.Backend == core.BackendDummy {
		fmt.Fprintf(e.stderr, "cacheurl %s: %s is a cache inside one process, which no other process reaches; give the URL of the redis or memcached server the Django service uses\n",
			c.name, core.Printable(cfg.Redacted()))
		return nil, exitFail
	}
	// go-redis logs every failed dial to stderr; the error says it once.
	quietRedis.Do(func() { redis.SetLogger(silentLogger{}) })
	var opts []cache.Option
	if *vf.allow {
		opts = append(opts, cache.AllowUnknownOptions())
	}
	dc, err := django.OpenConfig(ctx, cfg, opts...)
	if err != nil {
		return nil, valueError(e, c, err, cfg)
	}
	return &valueCache{c: dc, cfg: cfg, source: source}, exitOK
}

// valueError prints the failure of get or set and returns its status: 2
// for a key the backend cannot store, 3 when the server
// could not be reached or failed, 1 otherwise (the URL is unusable, the
// stored value is not Django's plain data, the value cannot be stored).
// The message is redacted with the config's secrets, and every character
// a terminal could act on is escaped.
func valueError(e *env, c command, err error, cfg core.Config) int {
	status := exitFail
	var ce *clients.Error
	switch {
	case errors.Is(err, cache.ErrInvalidKey):
		status = exitUsage
	case errors.As(err, &ce) && ce.Package == "cache" && ce.Op != "":
		status = exitUnreachable // an operation's error; a config's has no Op
	}
	msg := err.Error()
	if errors.As(err, &ce) && ce.Kind == clients.ErrUnknownOption && len(ce.Options) > 0 {
		msg = cliMessage(err, cfg)
	}
	fmt.Fprintf(e.stderr, "cacheurl %s: %s\n", c.name, core.Printable(core.RedactText(msg, cfg)))
	return status
}

func runGet(e *env, args []string) int {
	fs := newFlagSet(getCmd)
	vf := addValueFlags(fs)
	pos, err := parseValueArgs(fs, args)
	if err == nil && len(pos) != 1 {
		err = fmt.Errorf("want one KEY, got %d arguments", len(pos))
	}
	if err == nil {
		err = positiveTimeout(*vf.timeout)
	}
	if err != nil {
		return usageError(e, fs, getCmd, err)
	}
	return withValueCache(e, getCmd, vf, func(ctx context.Context, vc *valueCache) int {
		key := pos[0]
		v, err := vc.c.Get(ctx, key)
		if errors.Is(err, cache.ErrNotFound) {
			fmt.Fprintf(e.stderr, "cacheurl get: no value under %s (stored key %s)\n", quoted(key), quoted(vc.c.Cache().MakeKey(key)))
			return exitMissing
		}
		if err != nil {
			return valueError(e, getCmd, err, vc.cfg)
		}
		line, err := django.ToPrintableJSON(v)
		if err != nil {
			return valueError(e, getCmd, err, vc.cfg)
		}
		if _, err := e.stdout.Write(append(line, '\n')); err != nil {
			return writeFailed(e, err)
		}
		return exitOK
	})
}

func runSet(e *env, args []string) int {
	fs := newFlagSet(setCmd)
	vf := addValueFlags(fs)
	ttlText := fs.String("ttl", "", "the entry's lifetime: whole seconds as a `DURATION` (300, 5m, 1h30m), never, or 0 to remove the key (default: the URL's timeout, else 300 s)")
	pos, err := parseValueArgs(fs, args)
	if err == nil && len(pos) != 2 {
		err = fmt.Errorf("want KEY and JSON (or - to read the JSON from standard input), got %d arguments", len(pos))
	}
	if err == nil {
		err = positiveTimeout(*vf.timeout)
	}
	var opts []cache.SetOption
	if err == nil && *ttlText != "" {
		ttl, terr := core.ParseTTL(*ttlText)
		if terr != nil {
			err = fmt.Errorf("invalid --ttl %s: want whole seconds (300, 5m, 1h30m), never, or 0", quoted(*ttlText))
		}
		opts = append(opts, cache.WithTTL(ttl))
	}
	if err != nil {
		return usageError(e, fs, setCmd, err)
	}
	text := []byte(pos[1])
	if pos[1] == "-" {
		if text, err = io.ReadAll(io.LimitReader(e.stdin, django.DefaultMaxBytes+1)); err != nil {
			fmt.Fprintf(e.stderr, "cacheurl set: reading standard input: %s\n", core.Printable(err.Error()))
			return exitFail
		}
	}
	v, err := django.FromJSON(text)
	if err != nil {
		fmt.Fprintf(e.stderr, "cacheurl set: the value is not JSON Django's values can hold: %s\n", core.Printable(err.Error()))
		return exitUsage
	}
	return withValueCache(e, setCmd, vf, func(ctx context.Context, vc *valueCache) int {
		if err := vc.c.Set(ctx, pos[0], v, opts...); err != nil {
			return valueError(e, setCmd, err, vc.cfg)
		}
		return exitOK
	})
}

// parseValueArgs is parseArgs for get and set, where a JSON value (or a
// key) may be a negative number: an argument of '-' and a digit that is
// not a flag's value is an argument, not a flag (no flag's name starts
// with a digit). The flag package would read "-17" as the flag 17, so
// such arguments are marked with a NUL byte, which no argument can hold,
// while the flags are parsed.
func parseValueArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	const mark = "\x00"
	marked := make([]string, len(args))
	for i, a := range args {
		marked[i] = a
		if len(a) > 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9' && (i == 0 || !takesValue(fs, args[i-1])) {
			marked[i] = mark + a
		}
	}
	pos, err := parseArgs(fs, marked)
	for i, p := range pos {
		pos[i] = strings.TrimPrefix(p, mark)
	}
	return pos, err
}

// takesValue reports whether arg is a flag (without "=value") whose value
// is the next argument.
func takesValue(fs *flag.FlagSet, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if name == arg || name == "" || strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

func positiveTimeout(d time.Duration) error {
	if d <= 0 {
		return errors.New("--timeout must be positive")
	}
	return nil
}

// quoted quotes s as a JSON string with every character a terminal could
// act on escaped.
func quoted(s string) string {
	if !utf8.ValidString(s) {
		return strconv.QuoteToASCII(s)
	}
	b, _ := django.ToPrintableJSON(s)
	return string(b)
}
