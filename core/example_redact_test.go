package core_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cacheurl/cacheurl/core"
)

// RedactText hides the secrets of text that may hold them: an input echoed
// back as written, valid or not, or a message about a known config.
func ExampleRedactText() {
	fmt.Println(core.RedactText("redis://app:s3cret@cache:6379/0?key_prefix=me@corp&auth_token=t0k3n"))
	fmt.Println(core.RedactText("redis://app:s3cr/et@cache:6379/0")) // invalid: a raw '/' in the password

	c, _ := core.Parse("redis://app:s3cret@cache:6379/0")
	fmt.Println(core.RedactText("WRONGPASS for s3cret", c))
	// Output:
	// redis://app:xxxxx@cache:6379/0?key_prefix=me@corp&auth_token=xxxxx
	// redis://app:xxxxx@cache:6379/0
	// WRONGPASS for xxxxx
}

// RedactError hides a config's secrets in an error a server or a library
// wrote, and keeps what the error matches.
func ExampleRedactError() {
	c, _ := core.Parse("redis://:s3cret@cache:6379/0")
	cause := fmt.Errorf("%w: server said: password s3cret rejected", context.DeadlineExceeded)
	err := core.RedactError(cause, c)
	fmt.Println(err)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output:
	// context deadline exceeded: server said: password xxxxx rejected
	// true
}
