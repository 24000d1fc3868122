package main

import (
	"context"
	"fmt"
	"io"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients/check"
	"github.com/cacheurl/cacheurl/core"
)

var checkCmd = command{
	name:    "check",
	summary: "connect to the cache a URL names, do a real round trip, and report server version and latency",
	usage:   "check [--timeout 5s] [--allow-unknown] [URL]",
}

func init() {
	checkCmd.run = runCheck
	register(checkCmd)
}

func runCheck(e *env, args []string) int {
	fs := newFlagSet(checkCmd)
	timeout := fs.Duration("timeout", check.DefaultTimeout, "give up after this long (connect and round trip)")
	allow := fs.Bool("allow-unknown", false, "let the client ignore URL options it does not know instead of failing")
	pos, err := parseArgs(fs, args)
	if err == nil && len(pos) > 1 {
		err = fmt.Errorf("too many arguments (%d): give one URL", len(pos))
	}
	if err == nil && *timeout <= 0 {
		err = fmt.Errorf("--timeout must be positive")
	}
	if err != nil {
		return usageError(e, fs, checkCmd, err)
	}
	raw, source, err := urlFromArgs(e, pos, false)
	if err != nil {
		return usageError(e, fs, checkCmd, err)
	}
	cfg, err := core.Parse(raw)
	if err != nil {
		printError(e.stderr, err, source)
		return exitFail
	}
	// go-redis logs every failed dial to stderr; the error below says it once.
	redis.SetLogger(silentLogger{})
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var opts []check.Option
	if *allow {
		opts = append(opts, check.AllowUnknownOptions())
	}
	res, err := check.Run(ctx, cfg, opts...)
	if err != nil {
		fmt.Fprintf(e.stderr, "cacheurl check: %s: FAILED\n    %v\n", cfg.Redacted(), err)
		return exitFail
	}
	if _, err := io.WriteString(e.stdout, res.Describe()+"ok\n"); err != nil {
		return writeFailed(e, err)
	}
	return exitOK
}

type silentLogger struct{}

func (silentLogger) Printf(context.Context, string, ...any) {}
