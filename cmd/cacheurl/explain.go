package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/djangoref"
	"github.com/cacheurl/cacheurl/internal/goredisurl"
)

var explainCmd = command{
	name:    "explain",
	summary: "print a readable breakdown of a URL, and where django-cache-url, Django and go-redis read it differently",
	usage:   "explain [--show-secrets] [--input raw|json] [URL]",
}

func init() {
	explainCmd.run = runExplain
	register(explainCmd)
}

func runExplain(e *env, args []string) int {
	fs := newFlagSet(explainCmd)
	cf := addCommonFlags(fs)
	pos, err := parseArgs(fs, args)
	if err == nil && *cf.input != "raw" && *cf.input != "json" {
		err = fmt.Errorf("unknown --input %q: use raw or json", *cf.input)
	}
	if err == nil && len(pos) > 1 {
		err = fmt.Errorf("too many arguments (%d): give one URL", len(pos))
	}
	if err != nil {
		return usageError(e, fs, explainCmd, err)
	}
	raw, source, err := urlFromArgs(e, pos, *cf.input == "json")
	if err != nil {
		return usageError(e, fs, explainCmd, err)
	}
	var b strings.Builder
	status := explain(&b, raw, source, *cf.show)
	if _, err := io.WriteString(e.stdout, b.String()); err != nil {
		return writeFailed(e, err)
	}
	return status
}

// table writes aligned "key  value" lines; a value with several lines is
// continued under the value column.
type table struct{ tw *tabwriter.Writer }

func newTable(b *strings.Builder) table { return table{tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)} }

func (t table) add(key, value string) {
	for i, line := range strings.Split(value, "\n") {
		if i > 0 {
			key = ""
		}
		fmt.Fprintf(t.tw, "%s\t%s\n", key, line)
	}
}

// explain writes the breakdown of raw to b and returns the exit status.
func explain(b *strings.Builder, raw, source string, show bool) int {
	c, err := core.Parse(raw)
	if err != nil {
		explainInvalid(b, raw, source, err, show)
		return exitFail
	}
	shown := c
	if !show {
		shown = c.Redact()
	}
	s, _ := core.LookupScheme(c.Scheme)

	t := newTable(b)
	t.add("URL", core.Format(shown))
	if source != "" {
		t.add("from", "$"+source)
	}
	t.add("scheme", fmt.Sprintf("%s, a %s scheme: %s", s.Name, s.Dialect, s.Note))
	backend := string(c.Backend)
	if c.Topology != "" {
		backend += ", " + string(c.Topology)
	}
	t.add("backend", backend)
	describeLocation(t, shown)
	if c.Username != "" {
		t.add("username", c.Username)
	}
	if c.Password != "" {
		t.add("password", shown.Password)
	}
	switch {
	case c.TTL.Never():
		t.add("TTL", "never (entries do not expire)")
	case c.TTL.IsSet():
		d, _ := c.TTL.Duration()
		secs, _ := c.TTL.Seconds()
		ttl := fmt.Sprintf("%d s", secs)
		if secs >= 60 {
			ttl += " (" + d.String() + ")"
		}
		if secs == 0 {
			ttl += " (entries expire at once)"
		}
		t.add("TTL", ttl)
	default:
		t.add("TTL", fmt.Sprintf("not set (Django's default is %d s)", core.DefaultTimeout/time.Second))
	}
	for _, f := range [...]struct{ key, value string }{{"key prefix", c.KeyPrefix}, {"version", intText(c.Version)},
		{"key function", c.KeyFunction}, {"max entries", intText(c.MaxEntries)},
		{"cull frequency", intText(c.CullFrequency)}, {"lib", c.Lib}} {
		if f.value != "" {
			t.add(f.key, f.value)
		}
	}
	if len(c.Options) == 0 {
		t.add("options", "none")
	} else {
		names := slices.Sorted(maps.Keys(shown.Options))
		lines := make([]string, len(names))
		for i, n := range names {
			lines[i] = n + " = " + shown.Options[n]
		}
		t.add("options", strings.Join(lines, "\n"))
	}
	t.tw.Flush()

	view, viewErr := shown.Django()
	b.WriteString("\nDjango CACHES entry:\n")
	if viewErr != nil {
		var ce *core.Error
		msg := viewErr.Error()
		if errors.As(viewErr, &ce) {
			msg = ce.Msg
		}
		b.WriteString("  none: " + msg + "\n")
	} else {
		dt := newTable(b)
		for _, k := range djangoref.KeyOrder(view) {
			dt.add("  "+k, string(appendJSONValue(nil, view[k])))
		}
		dt.tw.Flush()
	}

	warns := djangoref.Differences(raw, show)
	for _, w := range c.Warnings() {
		warns = append(warns, w.Message)
	}
	writeWarnings(b, append(warns, goredisurl.Differences(c)...))
	return exitOK
}

// intText is *p in decimal, or "" for nil.
func intText(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// describeLocation adds where the cache is: addresses, socket, directory or
// name, and the redis db, master and TLS.
func describeLocation(t table, c core.Config) {
	switch c.Backend {
	case core.BackendRedis:
		switch c.Topology {
		case core.Sentinel:
			t.add("master", c.Master)
			t.add("sentinels", strings.Join(c.Hosts, "\n"))
		case core.Cluster:
			t.add("seed nodes", strings.Join(c.Hosts, "\n"))
		default:
			switch {
			case c.Socket != "":
				t.add("socket", c.Socket)
			case len(c.Hosts) == 1:
				t.add("address", c.Hosts[0])
			default:
				lines := make([]string, len(c.Hosts))
				for i, h := range c.Hosts {
					role := "replica"
					if i == 0 {
						role = "primary"
					}
					lines[i] = h + " (" + role + ")"
				}
				t.add("addresses", strings.Join(lines, "\n"))
			}
		}
		if c.Topology != core.Cluster {
			t.add("db", strconv.Itoa(c.DB))
		}
		tls := "no"
		if c.TLS {
			tls = "yes"
		}
		t.add("TLS", tls)
	case core.BackendMemcached:
		if c.Socket != "" {
			t.add("socket", c.Socket)
			break
		}
		key := "server"
		if len(c.Hosts) > 1 {
			key = "servers"
		}
		lines := make([]string, len(c.Hosts))
		for i, h := range c.Hosts {
			lines[i] = h
			if !hasPort(h) {
				lines[i] += " (port 11211, the clients' default)"
			}
		}
		t.add(key, strings.Join(lines, "\n"))
	case core.BackendFile:
		t.add("directory", c.Path)
	case core.BackendDB:
		t.add("table", c.Path)
	case core.BackendUWSGI:
		name := c.Path
		if name == "" {
			name = "default"
		}
		t.add("cache name", name)
	default:
		name := c.Path
		if name == "" {
			name = `"" (unnamed)`
		}
		t.add("name", name)
	}
}

// hasPort reports whether a "host[:port]" (IPv6 in brackets) has a port.
func hasPort(h string) bool {
	if i := strings.LastIndexByte(h, ']'); i >= 0 {
		return strings.HasPrefix(h[i+1:], ":")
	}
	return strings.Contains(h, ":")
}

func writeWarnings(b *strings.Builder, warns []string) {
	if len(warns) == 0 {
		b.WriteString("\nWarnings: none\n")
		return
	}
	b.WriteString("\nWarnings:\n")
	for _, w := range warns {
		b.WriteString("  - " + w + "\n")
	}
}

// explainInvalid writes the error with a caret, and what django-cache-url
// would have made of the URL.
func explainInvalid(b *strings.Builder, raw, source string, err error, show bool) {
	var ce *core.Error
	if !errors.As(err, &ce) {
		b.WriteString("invalid URL: " + err.Error() + "\n")
		return
	}
	b.WriteString("invalid URL")
	if source != "" {
		b.WriteString(" in $" + source)
	}
	fmt.Fprintf(b, " (%s): %s\n", ce.Kind.Code(), ce.Msg)
	writeCaret(b, ce)
	writeWarnings(b, djangoref.Differences(raw, show))
}
