package core

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func equalConfig(a, b Config) bool { return reflect.DeepEqual(a, b) }

func dump(c Config) string {
	b, err := json.Marshal(configFields(c))
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func intp(v int) *int { return &v }

// parseError parses in and returns its *Error, or nil after reporting that
// there is none.
func parseError(t *testing.T, in string) *Error {
	t.Helper()
	_, err := Parse(in)
	var pe *Error
	if !errors.As(err, &pe) {
		t.Errorf("Parse(%q) = %v, want an *Error", in, err)
		return nil
	}
	return pe
}
