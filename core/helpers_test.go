package core

import (
	"encoding/json"
	"reflect"
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
