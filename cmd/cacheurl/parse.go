package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cacheurl/cacheurl/core"
)

var parseCmd = command{
	name:    "parse",
	summary: "print a URL's structured form (json), Django CACHES entry (django) or canonical URL (url); - reads one URL per line",
	usage:   "parse [--format json|django|url] [--show-secrets] [--input raw|json] [URL | -]",
}

func init() {
	parseCmd.run = runParse
	register(parseCmd)
}

// Output formats of parse.
const (
	formatJSON   = "json"
	formatDjango = "django"
	formatURL    = "url"
)

// maxLine is the longest batch line read; a longer line is a too_long
// error without being kept in memory. It is well over core.MaxLength even
// for a JSON-encoded line (at most 6 bytes per character).
const maxLine = 64 << 10

// renderer turns a parsed config into the chosen format.
type renderer struct {
	format string
	show   bool // --show-secrets
}

// appendTo appends the compact JSON value of c in r's format to b. The json
// and url formats are core's default (redacted) forms, or with
// --show-secrets those of core.Reveal, the one lossless opt-in; the Django
// view is rendered from c.Redact() unless --show-secrets is given.
func (r renderer) appendTo(b []byte, c core.Config) ([]byte, error) {
	switch {
	case r.format == formatDjango:
		if !r.show && hasSecrets(c) {
			c = c.Redact()
		}
		view, err := c.Django()
		if err != nil {
			return b, err
		}
		return appendJSONValue(b, view), nil
	case r.format == formatURL && r.show:
		return appendJSONString(b, core.Reveal(c).String()), nil
	case r.format == formatURL && hasSecrets(c):
		return appendJSONString(b, c.Redacted()), nil
	case r.format == formatURL:
		return appendJSONString(b, core.Format(c)), nil // nothing to hide: no copy
	case r.show:
		return core.Reveal(c).AppendJSON(b), nil
	}
	return c.AppendJSON(b), nil
}

// hasSecrets reports whether c, a config core.Parse returned, has anything
// [core.Config.Redact] hides: a password or a credential option (a parsed
// config has no invalid option names and no userinfo in its hosts).
func hasSecrets(c core.Config) bool {
	if c.Password != "" {
		return true
	}
	for k := range c.Options {
		if core.IsCredentialOption(k) {
			return true
		}
	}
	return false
}

// appendJSONValue appends a Django view as encoding/json writes it without
// HTML escaping (map keys sorted), without encoding/json's reflection for
// the types a view holds: string, nil, int, int64, []string and
// map[string]any (parse --format django - is twice as fast with it).
func appendJSONValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case []string:
		b = append(b, '[')
		for i, s := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, s)
		}
		return append(b, ']')
	case map[string]any:
		var small [16]string
		keys := small[:0]
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(appendJSONString(b, k), ':')
			b = appendJSONValue(b, v[k])
		}
		return append(b, '}')
	}
	return appendEncoded(b, v)
}

// appendJSONString appends s as encoding/json writes it without HTML
// escaping, copying printable ASCII without '"' or '\\' as it is.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			return appendEncoded(b, s)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// appendEncoded appends v as encoding/json writes it without HTML escaping.
func appendEncoded(b []byte, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Appendf(b, "%q", fmt.Sprint(v)) // not a value of a Django view
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// commonFlags are the flags parse and explain share.
type commonFlags struct {
	show  *bool
	input *string
}

func addCommonFlags(fs *flag.FlagSet) commonFlags {
	return commonFlags{
		show:  fs.Bool("show-secrets", false, "show passwords and credential options (password=, *_password=) instead of xxxxx"),
		input: fs.String("input", "raw", "how the URL is given: `raw` text, or json: a JSON string (one per line with -), so control characters can be written"),
	}
}

func runParse(e *env, args []string) int {
	fs := newFlagSet(parseCmd)
	format := fs.String("format", formatJSON, "output `format`: json (the structured form), django (the Django CACHES entry) or url (the canonical URL)")
	cf := addCommonFlags(fs)
	pos, err := parseArgs(fs, args)
	if err == nil {
		err = checkChoices(*format, *cf.input, pos)
	}
	if err != nil {
		return usageError(e, fs, parseCmd, err)
	}
	r := renderer{*format, *cf.show}
	if len(pos) == 1 && pos[0] == "-" {
		return parseBatch(e, r, *cf.input == "json")
	}

	raw, source, err := urlFromArgs(e, pos, *cf.input == "json")
	if err != nil {
		return usageError(e, fs, parseCmd, err)
	}
	c, err := core.Parse(raw)
	if err != nil {
		printError(e.stderr, err, source)
		return exitFail
	}
	out, err := r.appendTo(nil, c)
	if err != nil {
		printError(e.stderr, err, source)
		return exitFail
	}
	if r.format == formatURL {
		var s string
		_ = json.Unmarshal(out, &s)
		fmt.Fprintln(e.stdout, s)
		return exitOK
	}
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, out, "", "  ") // out is valid JSON
	pretty.WriteByte('\n')
	if _, err := e.stdout.Write(pretty.Bytes()); err != nil {
		return writeFailed(e, err)
	}
	return exitOK
}

func checkChoices(format, input string, pos []string) error {
	switch format {
	case formatJSON, formatDjango, formatURL:
	default:
		return fmt.Errorf("unknown --format %q: use json, django or url", format)
	}
	if input != "raw" && input != "json" {
		return fmt.Errorf("unknown --input %q: use raw or json", input)
	}
	if len(pos) > 1 {
		return fmt.Errorf("too many arguments (%d): give one URL, or - to read URLs from standard input", len(pos))
	}
	return nil
}

// urlFromArgs returns the URL to read: the argument (decoded from JSON with
// --input json), or $CACHE_URL (or the file $CACHE_URL_FILE names, with the
// password of $CACHE_PASSWORD[_FILE]), or locmem:// when that is unset or
// empty. An error of the environment is a *core.EnvError.
// source names where a URL from the environment came from, for messages.
func urlFromArgs(e *env, pos []string, jsonInput bool) (raw, source string, err error) {
	if len(pos) == 1 {
		if !jsonInput {
			return pos[0], "", nil
		}
		raw, err := decodeJSONString([]byte(pos[0]))
		if err != nil {
			return "", "", fmt.Errorf("--input json: the argument is not a JSON string: %v", err)
		}
		return raw, "", nil
	}
	// CACHE_URL, CACHE_URL_FILE and CACHE_PASSWORD[_FILE], by core's rules.
	return core.EnvURL(e.getenv, core.DefaultEnv, core.DefaultURL)
}

// reportEnvError prints err and reports true when it is an error of the
// environment (CACHE_URL_FILE unreadable, ...), not of the arguments.
func reportEnvError(e *env, err error) bool {
	var ee *core.EnvError
	if !errors.As(err, &ee) {
		return false
	}
	printError(e.stderr, err, ee.Var)
	return true
}

// printError writes a failure for people: the message and, for a
// *core.Error, the redacted input with a caret under the offending part.
func printError(w io.Writer, err error, source string) {
	var b strings.Builder
	b.WriteString("cacheurl: ")
	if source != "" {
		b.WriteString(source + ": ")
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		b.WriteString(ce.Msg + "\n")
		writeCaret(&b, ce)
	} else {
		b.WriteString(strings.TrimPrefix(err.Error(), "cacheurl: "))
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

// writeCaret writes the redacted input of e, indented, with a caret line
// under the offending part.
func writeCaret(b *strings.Builder, e *core.Error) {
	if e.Input != "" && e.Kind != core.ErrTooLong {
		for _, line := range strings.Split(e.Caret(), "\n") {
			b.WriteString("    " + line + "\n")
		}
	}
}

// parseBatch is parse -: one URL per input line, one JSON object per output
// line, streaming. It returns 1 when any line failed.
func parseBatch(e *env, r renderer, jsonInput bool) int {
	br := bufio.NewReaderSize(e.stdin, maxLine)
	bw := bufio.NewWriterSize(e.stdout, 64<<10)
	status := exitOK
	var out []byte
	var readErr error
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// Too long: skip the rest of the line without keeping it.
			n := len(line)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				n += len(line)
			}
			if err == nil {
				n-- // the newline
			}
			status = exitFail
			out = appendErrorLine(out[:0], nil, core.ErrTooLong.Code(), fmt.Sprintf(
				"cacheurl: URL is %d bytes; the limit is %d", n, core.MaxLength))
		} else {
			if len(line) == 0 && err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				break
			}
			line = bytes.TrimSuffix(line, []byte("\n"))
			line = bytes.TrimSuffix(line, []byte("\r"))
			var ok bool
			if out, ok = batchLine(out[:0], r, line, jsonInput); !ok {
				status = exitFail
			}
		}
		if _, werr := bw.Write(out); werr != nil {
			return writeFailed(e, werr)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
	}
	if err := bw.Flush(); err != nil {
		return writeFailed(e, err)
	}
	if readErr != nil {
		fmt.Fprintf(e.stderr, "cacheurl: reading standard input: %v\n", readErr)
		return exitFail
	}
	return status
}

func writeFailed(e *env, err error) int {
	fmt.Fprintf(e.stderr, "cacheurl: writing standard output: %v\n", err)
	return exitFail
}

// batchLine appends the output line for one input line to out and reports
// whether it parsed.
func batchLine(out []byte, r renderer, line []byte, jsonInput bool) ([]byte, bool) {
	raw := string(line)
	if jsonInput {
		var err error
		if raw, err = decodeJSONString(line); err != nil {
			return appendErrorLine(out, nil, "invalid_json", "cacheurl: the line is not a JSON string: "+err.Error()), false
		}
	}
	c, err := core.Parse(raw)
	if err == nil {
		u := raw
		if !r.show && hasSecrets(c) {
			u = core.RedactText(raw)
		}
		line := appendJSONString(append(out, `{"url":`...), u)
		if line, err = r.appendTo(append(line, `,"result":`...), c); err == nil {
			return append(line, "}\n"...), true
		}
	}
	return appendErrorLine(out, echo(raw, err, r.show), errorKind(err), err.Error()), false
}

// echo is the url echoed on an error line: the input, or core's redacted
// input when secrets are hidden.
func echo(raw string, err error, show bool) *string {
	if show {
		return &raw
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return &ce.Input
	}
	return nil
}

// errorKind is the code of err's kind: the first kind errors.As finds, a
// core error's, or a client package's or a check's own (their errors
// unwrap to their kind before their cause).
func errorKind(err error) string {
	var k *core.Kind
	if errors.As(err, &k) {
		return k.Code()
	}
	return "error"
}

// appendErrorLine appends {"url":...,"error":{"kind":...,"message":...}};
// a nil url is written as null.
func appendErrorLine(out []byte, url *string, kind, msg string) []byte {
	type errorJSON struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	}
	return append(appendEncoded(out, struct {
		URL   *string   `json:"url"`
		Error errorJSON `json:"error"`
	}{url, errorJSON{kind, msg}}), '\n')
}

// decodeJSONString decodes one JSON string (surrounding whitespace
// allowed); null and other JSON values are errors.
func decodeJSONString(b []byte) (string, error) {
	// The message never quotes the line, which may hold a password.
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '"' {
		return "", errors.New(`expected a string in double quotes ("redis://...")`)
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}
