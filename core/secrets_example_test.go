package core_test

import (
	"encoding/json"
	"fmt"

	"github.com/cacheurl/cacheurl/core"
)

// Every printed and serialised form is redacted; core.Reveal is the one
// lossless opt-in (with core.Format), and a redacted copy does not decode.
func ExampleReveal() {
	c, _ := core.Parse("redis://app:s3cret@cache/0?auth_token=t0k3n")
	app := struct{ Cache core.Config }{c}
	safe, _ := json.Marshal(app)
	fmt.Println(string(safe))
	text, _ := c.MarshalText()
	fmt.Println(string(text))

	full, _ := json.Marshal(core.Reveal(c))
	fmt.Println(string(full))
	fmt.Println(core.Reveal(c))

	var back core.Config
	err := json.Unmarshal(safe[len(`{"Cache":`):len(safe)-1], &back)
	fmt.Println(err != nil)
	// Output:
	// {"Cache":{"scheme":"redis","backend":"redis","topology":"standalone","hosts":["cache:6379"],"username":"app","password":"xxxxx","options":{"auth_token":"xxxxx"}}}
	// redis://app:xxxxx@cache/0?auth_token=xxxxx
	// {"scheme":"redis","backend":"redis","topology":"standalone","hosts":["cache:6379"],"username":"app","password":"s3cret","options":{"auth_token":"t0k3n"}}
	// redis://app:s3cret@cache/0?auth_token=t0k3n
	// true
}
