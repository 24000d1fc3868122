// Package compat tests cacheurl's core.Config with the configuration
// libraries Go services use (caarlos0/env, kelseyhightower/envconfig,
// sethvargo/go-envconfig, the standard flag package, spf13/pflag and cobra,
// alecthomas/kong, urfave/cli, ilyakaznacheev/cleanenv), runs the viper hook
// under the archived github.com/mitchellh/mapstructure v1 (its own tests and
// the conformance corpus), and checks the JSON Schema of a cache value with
// a real validator. It is a module of its own so that the main module's
// dependency list stays lean; it has no API.
//
// Its tests write the library table of docs/libraries.md: run
// "go test ./... -update" in this directory after a deliberate change.
package compat
