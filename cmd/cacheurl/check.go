package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/check"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
)

var checkCmd = command{
	name:    "check",
	summary: "connect to the cache a URL names, do a real round trip, and report server version and latency",
	usage:   "check [--timeout 5s] [--wait DURATION] [--json] [--allow-unknown] [URL]",
}

func init() {
	checkCmd.run = runCheck
	register(checkCmd)
}

// checkOutcome is one check's result or failure, for both output forms.
type checkOutcome struct {
	status  int
	target  string // the redacted URL (or input)
	source  string // "" or the environment variable the URL came from
	cfg     core.Config
	res     check.Result
	err     error
	elapsed time.Duration
}

func runCheck(e *env, args []string) int {
	fs := newFlagSet(checkCmd)
	timeout := fs.Duration("timeout", check.DefaultTimeout, "give up on an attempt after this long (connect and round trip)")
	wait := fs.Duration("wait", 0, "retry with backoff until the cache is ready or this much time has passed (0: one attempt)")
	asJSON := fs.Bool("json", false, "print one JSON object (target, kind, message, latency, server version) on standard output")
	allow := fs.Bool("allow-unknown", false, "let the client ignore URL options it does not know instead of failing")
	pos, err := parseArgs(fs, args)
	if err == nil && len(pos) > 1 {
		err = fmt.Errorf("too many arguments (%d): give one URL", len(pos))
	}
	if err == nil && *timeout <= 0 {
		err = fmt.Errorf("--timeout must be positive")
	}
	if err == nil && *wait < 0 {
		err = fmt.Errorf("--wait must not be negative")
	}
	if err != nil {
		return usageError(e, fs, checkCmd, err)
	}
	raw, source, err := urlFromArgs(e, pos, false)
	if err != nil {
		return usageError(e, fs, checkCmd, err)
	}
	out := checkOutcome{source: source}
	cfg, err := core.Parse(raw)
	if err != nil {
		out.status, out.err = exitFail, err
		var ce *core.Error
		if errors.As(err, &ce) {
			out.target = ce.Input
		}
		if *asJSON {
			return writeCheckJSON(e, out)
		}
		printError(e.stderr, err, source)
		return exitFail
	}
	out.target, out.cfg = cfg.Redacted(), cfg
	// go-redis logs every failed dial to stderr; the error below says it once.
	quietRedis.Do(func() { redis.SetLogger(silentLogger{}) })
	var opts []check.Option
	if *allow {
		opts = append(opts, check.AllowUnknownOptions())
	}
	start := time.Now()
	if *wait > 0 {
		if !*asJSON {
			opts = append(opts, check.OnRetry(func(a check.Attempt) {
				err := scrubCheckError(a.Err, cfg)
				fmt.Fprintf(e.stderr, "cacheurl check: attempt %d failed (%s), retrying in %v: %s\n", a.N, kindCode(err), a.Delay, cliMessage(err, cfg))
			}))
		}
		ctx, cancel := context.WithTimeout(context.Background(), *wait)
		out.res, out.err = check.Wait(ctx, cfg, *timeout, opts...)
		cancel()
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		out.res, out.err = check.Run(ctx, cfg, opts...)
		cancel()
	}
	out.elapsed = time.Since(start)
	if out.err != nil {
		out.err = scrubCheckError(out.err, cfg)
	}
	out.status = checkStatus(out.err)
	if *asJSON {
		return writeCheckJSON(e, out)
	}
	if out.err != nil {
		fmt.Fprintf(e.stderr, "cacheurl check: %s: FAILED (%s)\n    %s\n", out.target, kindCode(out.err), cliMessage(out.err, cfg))
		if out.res.Attempts > 1 {
			fmt.Fprintf(e.stderr, "    gave up after %d attempts in %v\n", out.res.Attempts, out.elapsed.Round(time.Millisecond))
		}
		return out.status
	}
	if _, err := io.WriteString(e.stdout, out.res.Describe()+"ok\n"); err != nil {
		return writeFailed(e, err)
	}
	return exitOK
}

// checkStatus is the exit status of a check: 0 when it succeeded, 1 when
// the URL cannot be used (invalid for the client, no Go client), 3 when the
// server could not be reached or the round trip failed.
func checkStatus(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, check.ErrConfig) || errors.Is(err, check.ErrNoClient):
		return exitFail
	}
	return exitUnreachable
}

// kindCode is the machine-readable kind of a failure: a core error kind for
// an invalid URL, a check kind otherwise.
func kindCode(err error) string {
	var ck *check.Error
	if errors.As(err, &ck) {
		return ck.Kind.Code()
	}
	return errorKind(err)
}

// cliMessage is a check failure in the CLI's words: the way out of an
// unknown option is the --allow-unknown flag, not the Go API's option; a
// control character from a server or a URL is written as an escape.
func cliMessage(err error, cfg core.Config) string {
	var ce *clients.Error
	switch {
	case errors.As(err, &ce) && ce.Kind == clients.ErrUnknownOption && len(ce.Options) > 0:
		client := map[string]string{"goredis": "go-redis", "gomemcache": "gomemcache", "cache": "in-process cache"}[ce.Package]
		if client == "" {
			client = ce.Package
		}
		return unknownOptions(ce.Options, client)
	}
	return check.Printable(err.Error())
}

func unknownOptions(names []string, client string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	s := "s"
	if len(names) == 1 {
		s = ""
	}
	return fmt.Sprintf("unknown option%s %s: not an option of the %s client; check the spelling, or pass --allow-unknown to ignore unknown options",
		s, strings.Join(q, ", "), client)
}

// writeCheckJSON writes the outcome as one JSON object and a newline. Every
// key is always present, null where it does not apply, so the shape is the
// same for success and failure.
func writeCheckJSON(e *env, o checkOutcome) int {
	b := []byte(`{"ok":`)
	b = strconv.AppendBool(b, o.err == nil)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(o.status), 10)
	b = append(b, `,"target":`...)
	b = appendPrintable(b, o.target)
	b = append(b, `,"source":`...)
	b = jsonStringOrNull(b, o.source)
	b = append(b, `,"backend":`...)
	b = jsonStringOrNull(b, string(o.res.Backend))
	b = append(b, `,"topology":`...)
	b = jsonStringOrNull(b, string(o.res.Topology))
	b = append(b, `,"address":`...)
	b = jsonStringOrNull(b, o.res.Target)
	kind, msg := "ok", "ok"
	if o.err != nil {
		kind = kindCode(o.err)
		var ce *core.Error
		if errors.As(o.err, &ce) {
			msg = ce.Msg
		} else {
			msg = cliMessage(o.err, o.cfg)
		}
	}
	b = append(b, `,"kind":`...)
	b = appendPrintable(b, kind)
	b = append(b, `,"message":`...)
	b = appendPrintable(b, msg)
	ok := o.err == nil
	b = append(b, `,"server":`...)
	b = jsonStringOrNull(b, pick(ok, o.res.Server))
	b = append(b, `,"note":`...)
	b = jsonStringOrNull(b, pick(ok, o.res.Note))
	b = append(b, `,"latency_ms":`...)
	b = jsonMillis(b, ok, o.res.Connect+o.res.RoundTrip)
	b = append(b, `,"connect_ms":`...)
	b = jsonMillis(b, ok, o.res.Connect)
	b = append(b, `,"round_trip_ms":`...)
	b = jsonMillis(b, ok, o.res.RoundTrip)
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(o.res.Attempts), 10)
	b = append(b, `,"elapsed_ms":`...)
	b = jsonMillis(b, true, o.elapsed)
	b = append(b, "}\n"...)
	if _, err := e.stdout.Write(b); err != nil {
		return writeFailed(e, err)
	}
	return o.status
}

func pick(ok bool, s string) string {
	if !ok {
		return ""
	}
	return s
}

func jsonStringOrNull(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendPrintable(b, s)
}

// appendPrintable writes s as a JSON string with its control characters
// escaped twice over: as check.Printable's Go escapes, so that even a
// consumer that prints the decoded value (jq -r) writes none to a terminal
// (JSON itself would leave DEL and the C1 controls raw).
func appendPrintable(b []byte, s string) []byte {
	return appendJSONString(b, check.Printable(s))
}

// jsonMillis writes d in milliseconds with microsecond precision, or null.
func jsonMillis(b []byte, ok bool, d time.Duration) []byte {
	if !ok {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', 3, 64)
}

var quietRedis sync.Once

type silentLogger struct{}

func (silentLogger) Printf(context.Context, string, ...any) {}

// scrubCheckError is the CLI's own pass over a check failure, whatever the
// check package did: every secret of cfg (the password, credential options)
// of 3 bytes or more is cut out of every part; a shorter one cannot be cut
// out of a text without mangling it, so a server's or library's words that
// contain it are withheld (the check's own words and target are written from
// fixed text and the redacted config).
func scrubCheckError(err error, cfg core.Config) error {
	var secrets []string
	if cfg.Password != "" {
		secrets = append(secrets, cfg.Password)
	}
	for k, v := range cfg.Options {
		if v != "" && core.IsCredentialOption(k) {
			secrets = append(secrets, v)
		}
	}
	if len(secrets) == 0 {
		return err
	}
	const withheld = "the server's words are withheld: they may contain the password"
	var ce *check.Error
	if !errors.As(err, &ce) {
		msg := err.Error()
		for _, s := range secrets {
			if len(s) < 3 && strings.Contains(msg, s) {
				return &check.Error{Kind: check.ErrFailed, Msg: "the check failed", Detail: withheld, Err: err}
			}
			msg = strings.ReplaceAll(msg, s, core.Redacted)
		}
		return &check.Error{Kind: check.ErrFailed, Msg: "the check failed", Detail: check.Printable(msg), Err: err}
	}
	out := *ce
	for _, s := range secrets {
		if len(s) < 3 {
			if strings.Contains(out.Detail, s) {
				out.Detail = withheld
			}
			continue
		}
		out.Msg = strings.ReplaceAll(out.Msg, s, core.Redacted)
		out.Target = strings.ReplaceAll(out.Target, s, core.Redacted)
		out.Detail = strings.ReplaceAll(out.Detail, s, core.Redacted)
	}
	return &out
}
