package core_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cacheurl/cacheurl/core"
)

func ExampleConfig_Set() {
	fs := flag.NewFlagSet("app", flag.ContinueOnError)
	cfg, _ := core.Parse("locmem://")
	fs.Var(&cfg, "cache-url", "cache `URL`")
	if err := fs.Parse([]string{"-cache-url", "redis://:s3cret@cache/1"}); err != nil {
		panic(err)
	}
	fmt.Println(cfg.Hosts, cfg.DB)
	fmt.Println(fs.Lookup("cache-url").Value) // redacted
	// Output:
	// [cache:6379] 1
	// redis://:xxxxx@cache/1
}

func ExampleEnvURL() {
	dir, _ := os.MkdirTemp("", "secrets")
	defer os.RemoveAll(dir)
	secret := filepath.Join(dir, "cache_password")
	_ = os.WriteFile(secret, []byte("s3cret\n"), 0o600)

	env := map[string]string{"CACHE_URL": "redis://cache/1", "CACHE_PASSWORD_FILE": secret}
	url, source, err := core.EnvURL(func(k string) string { return env[k] }, "", core.DefaultURL)
	fmt.Println(url, source, err)

	env["CACHE_URL_FILE"] = filepath.Join(dir, "missing")
	_, _, err = core.EnvURL(func(k string) string { return env[k] }, "", core.DefaultURL)
	fmt.Println(errors.Is(err, core.ErrDuplicateParameter), err)
	// Output:
	// redis://:s3cret@cache/1 CACHE_URL <nil>
	// true CACHE_URL: cacheurl: CACHE_URL and CACHE_URL_FILE are both set; set one
}

func ExampleNamedEnvURLs() {
	caches, _ := core.NamedEnvURLs([]string{
		"SESSIONS_CACHE_URL=redis://cache/2",
		"SESSIONS_CACHE_PASSWORD=s3cret",
	}, "", core.DefaultURL)
	for _, c := range caches {
		fmt.Println(c.Name, c.Var, c.URL)
	}
	// Output:
	// default CACHE_URL locmem://
	// sessions SESSIONS_CACHE_URL redis://:s3cret@cache/2
}

func ExamplePasswordEnv() {
	for _, name := range []string{"CACHE_URL", "SESSIONS_CACHE_URL", "REDIS_URL"} {
		fmt.Printf("%s: %q\n", name, core.PasswordEnv(name))
	}
	// Output:
	// CACHE_URL: "CACHE_PASSWORD"
	// SESSIONS_CACHE_URL: "SESSIONS_CACHE_PASSWORD"
	// REDIS_URL: ""
}

func ExampleConfig_EnvDecode() {
	// go-envconfig calls EnvDecode; its error is cacheurl's, redacted.
	var c core.Config
	err := c.EnvDecode("redis://:s3cret@cache:99999/0")
	fmt.Println(errors.Is(err, core.ErrInvalidPort), err)
	fmt.Println(c.Type())
	// Output:
	// true cacheurl: port "99999" must be a number from 1 to 65535 (in "redis://:xxxxx@cache:99999/0")
	// url
}
