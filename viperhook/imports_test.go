package viperhook_test

import (
	"testing"

	"github.com/cacheurl/cacheurl/internal/importcheck"
)

// TestNoViperImport: the hook is a plain mapstructure hook; only the tests
// import viper, so koanf and mapstructure users do not pull it in.
func TestNoViperImport(t *testing.T) {
	importcheck.Only(t, "github.com/cacheurl/cacheurl/core", "github.com/go-viper/mapstructure/v2")
}
