package fuzz

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cacheurl/cacheurl/check"
	"github.com/cacheurl/cacheurl/clients"
	"github.com/cacheurl/cacheurl/core"
	"github.com/cacheurl/cacheurl/internal/entrypoints"
)

// handMade are the configs a program may build by hand from the parts of
// lc, the password in the right field and in the wrong ones: the userinfo
// pasted into the scheme (with a backend that contradicts it) or into a
// host, the password and credential options as given, and invalid values
// around them (a port out of range, a relative socket, a host list with an
// empty host). None of them is parsed: they reach the entry points as
// they are.
func handMade(lc leakCase) []core.Config {
	pw, user := lc.password, lc.user
	hosts := strings.Split(sanitizeHosts(lc.hosts), ",")
	host := hosts[0]
	cred := credentialNames[int(lc.mode>>4)%len(credentialNames)]
	return []core.Config{
		{Scheme: lc.scheme + "://" + user + ":" + pw + "@" + host, Backend: core.BackendFile},
		{Scheme: lc.scheme, Hosts: []string{user + ":" + pw + "@" + host}},
		{Scheme: lc.scheme, Hosts: hosts, Username: user, Password: pw, Options: map[string]string{cred: pw}},
		{Scheme: lc.scheme, Hosts: []string{host + ":99999"}, Password: pw, Master: lc.path},
		{Scheme: lc.scheme, Socket: "relative/" + lc.path, Password: pw, Options: map[string]string{"sentinel_password": pw, "x": lc.query}},
		{Scheme: lc.scheme, Hosts: append(hosts, ""), Path: lc.path, Options: map[string]string{cred: pw, "pool_size": "-1"}},
	}
}

// configSurfaces are the errors of every entry point that takes a Config
// (internal/entrypoints: cache.New, the go-redis option builders and
// client, the gomemcache client, a check and the Django codec), and a
// check's result, for each config of handMade(lc). The context is done
// before they start, so none of them connects or resolves a name: what
// they return is the config's error, or the context's.
func configSurfaces(lc leakCase) map[string]string {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := map[string]string{}
	add := func(name string, i int, err error) {
		if err == nil {
			return
		}
		text := err.Error()
		// The fields too, as a program that prints the struct shows them.
		var ce *clients.Error
		if errors.As(err, &ce) {
			text += fmt.Sprintf("\n%+v", *ce)
		}
		var ke *check.Error
		if errors.As(err, &ke) {
			text += fmt.Sprintf("\n%+v", *ke)
		}
		out[fmt.Sprintf("%s of config %d", name, i)] = text
	}
	for i, cfg := range handMade(lc) {
		for name, err := range entrypoints.Errors(ctx, cfg) {
			add(name, i, err)
		}
		res, _ := check.Run(ctx, cfg)
		out[fmt.Sprintf("check.Run result of config %d", i)] = fmt.Sprintf("%+v", res)
	}
	return out
}

// checkConfigLeak checks that no surface of configSurfaces shows the
// password of lc: see findConfigLeak.
func checkConfigLeak(t *testing.T, lc leakCase) {
	t.Helper()
	if leak := findConfigLeak(lc, configSurfaces); leak != "" {
		t.Fatal(leak)
	}
}

// findConfigLeak describes the first surface that shows the password of lc
// (as given or percent-encoded), or returns "". The password counts where
// it is 4 bytes or more, is not the redaction marker, and occurs in no
// other part of the configs; text that shows up as well for the same
// configs with the password rotated is fixed text, not a leak.
func findConfigLeak(lc leakCase, surfacesOf func(leakCase) map[string]string) string {
	other := strings.Join([]string{lc.scheme, lc.user, sanitizeHosts(lc.hosts), lc.path, lc.query,
		strings.Join(credentialNames, " "), "sentinel_password relative 99999 pool_size -1"}, "\x00")
	var needles []string
	for _, n := range []string{lc.password, specEscape(lc.password, false)} {
		if len(n) >= 4 && !strings.EqualFold(n, core.Redacted) && !containsFold(other, n) && !containsFold(pctDecode(other, true), n) {
			needles = append(needles, n)
		}
	}
	if len(needles) == 0 {
		return ""
	}
	rotated := func() map[string]string {
		rot := lc
		rot.password = rotate(lc.password)
		return surfacesOf(rot)
	}
	if name, n, text := firstLeak(needles, surfacesOf(lc), rotated); name != "" {
		return fmt.Sprintf("%s shows the password %q (%q):\n%s", name, lc.password, n, text)
	}
	return ""
}

// TestConfigLeakSeeds runs the config checks on the seeds and on hand-made
// configs of each family, and checks that the oracle sees a leak when
// there is one.
func TestConfigLeakSeeds(t *testing.T) {
	cases := append([]leakCase{
		{scheme: "redis", user: "u", password: "hunter2-pw", hosts: "h"},
		{scheme: "memcached", user: "u", password: "hunter2-pw", hosts: "mc1,mc2", path: "x"},
		{scheme: "file", password: "hunter2-pw", hosts: "h", path: "dir"},
		{scheme: "redis+sentinel", password: "p@ss/w?rd#1", hosts: "s1", path: "mymaster", mode: 3 << 4},
	}, leakSeeds...)
	for _, lc := range cases {
		checkConfigLeak(t, lc)
	}
	leaky := func(lc leakCase) map[string]string {
		out := configSurfaces(lc)
		out["leaky"] = handMade(lc)[1].Hosts[0]
		return out
	}
	if findConfigLeak(cases[0], leaky) == "" {
		t.Error("the oracle misses a surface that shows the password")
	}
}
