package main

import (
	"context"
	"encoding/json"
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
				fmt.Fprintf(e.stderr, "cacheurl check: attempt %d failed (%s), retrying in %v: %s\n", a.N, errorKind(a.Err), a.Delay, cliMessage(a.Err, cfg))
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
	out.status = checkStatus(out.err)
	if *asJSON {
		return writeCheckJSON(e, out)
	}
	if out.err != nil {
		fmt.Fprintf(e.stderr, "cacheurl check: %s: FAILED (%s)\n    %s\n", out.target, errorKind(out.err), cliMessage(out.err, cfg))
		if out.res.Attempts > 1 {
			fmt.Fprintf(e.stderr, "    gave up after %d attempts in %v\n", out.res.Attempts, out.elapsed.Round(time.Millisecond))
		}
		return out.status
	}
	if _, err := io.WriteString(e.stdout, describe(out.res)+"ok\n"); err != nil {
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
	case errors.Is(err, check.ErrConfig) || errors.Is(err, clients.ErrNoGoClient):
		return exitFail
	}
	return exitUnreachable
}

// cliMessage is a failure about cfg in the CLI's words: the way out of an
// unknown option is the --allow-unknown flag, not the Go API's option;
// cfg's secrets are redacted (core.RedactText) and a control character from
// a server or a URL is written as an escape.
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
	return core.Printable(core.RedactText(err.Error(), cfg))
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

// checkJSON is the object of check --json: every key always present, null
// where it does not apply, so the shape is the same for success and
// failure. Every string has been through core.Printable, so that even a
// consumer that prints the decoded value (jq -r) writes no control
// character to a terminal (JSON itself would leave DEL and the C1 controls
// raw).
type checkJSON struct {
	OK          bool         `json:"ok"`
	Status      int          `json:"status"`
	Target      string       `json:"target"`
	Source      *string      `json:"source"`
	Backend     *string      `json:"backend"`
	Topology    *string      `json:"topology"`
	Address     *string      `json:"address"`
	Kind        string       `json:"kind"`
	Message     string       `json:"message"`
	Server      *string      `json:"server"`
	Note        *string      `json:"note"`
	LatencyMS   *json.Number `json:"latency_ms"`
	ConnectMS   *json.Number `json:"connect_ms"`
	RoundTripMS *json.Number `json:"round_trip_ms"`
	Attempts    int          `json:"attempts"`
	ElapsedMS   *json.Number `json:"elapsed_ms"`
}

// writeCheckJSON writes the outcome as one JSON object and a newline.
func writeCheckJSON(e *env, o checkOutcome) int {
	ok := o.err == nil
	// str is s for the JSON output, or null when it is empty (or, with
	// when false, does not apply).
	str := func(s string, when bool) *string {
		if s == "" || !when {
			return nil
		}
		s = core.Printable(s)
		return &s
	}
	// ms is d in milliseconds with microsecond precision, or null.
	ms := func(d time.Duration, when bool) *json.Number {
		if !when {
			return nil
		}
		n := json.Number(strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 3, 64))
		return &n
	}
	j := checkJSON{OK: ok, Status: o.status, Target: core.Printable(o.target), Source: str(o.source, true),
		Backend: str(string(o.res.Backend), true), Topology: str(string(o.res.Topology), true), Address: str(o.res.Target, true),
		Kind: "ok", Message: "ok", Server: str(o.res.Server, ok), Note: str(o.res.Note, ok),
		LatencyMS: ms(o.res.Connect+o.res.RoundTrip, ok), ConnectMS: ms(o.res.Connect, ok), RoundTripMS: ms(o.res.RoundTrip, ok),
		Attempts: o.res.Attempts, ElapsedMS: ms(o.elapsed, true)}
	if !ok {
		j.Kind = core.Printable(errorKind(o.err))
		var ce *core.Error
		if errors.As(o.err, &ce) {
			j.Message = core.Printable(ce.Msg)
		} else {
			j.Message = cliMessage(o.err, o.cfg)
		}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return writeFailed(e, err)
	}
	return o.status
}

// describe formats a check's result as aligned lines for people.
func describe(r check.Result) string {
	var b strings.Builder
	kind := string(r.Backend)
	if r.Topology != "" {
		kind += " (" + string(r.Topology) + ")"
	}
	fmt.Fprintf(&b, "url:         %s\n", r.URL)
	fmt.Fprintf(&b, "backend:     %s\n", kind)
	fmt.Fprintf(&b, "address:     %s\n", r.Target)
	fmt.Fprintf(&b, "server:      %s\n", r.Server)
	fmt.Fprintf(&b, "connect:     %s\n", r.Connect.Round(time.Microsecond))
	fmt.Fprintf(&b, "round trip:  %s (set, get, delete of a random key)\n", r.RoundTrip.Round(time.Microsecond))
	if r.Attempts > 1 {
		fmt.Fprintf(&b, "attempts:    %d\n", r.Attempts)
	}
	if r.Note != "" {
		fmt.Fprintf(&b, "note:        %s\n", r.Note)
	}
	return b.String()
}

var quietRedis sync.Once

type silentLogger struct{}

func (silentLogger) Printf(context.Context, string, ...any) {}
