package goredis

import "errors"

// The error kinds. Every error this package returns (apart from core's parse
// errors, which [Open] passes through) is an [*Error] matching one of them
// with errors.Is.
var (
	// ErrUnsupported: the config cannot be turned into a go-redis client: not
	// a redis-family URL, several hosts on plain redis://, a db on a cluster,
	// a sentinel URL without a master name, or a constructor that does not
	// fit the topology (Options for a cluster URL).
	ErrUnsupported = errors.New("unsupported configuration")
	// ErrInvalidOption: an option has a bad value, does not apply to this
	// topology or scheme, or contradicts another option or the userinfo.
	ErrInvalidOption = errors.New("invalid option")
	// ErrUnknownOption: options that are neither go-redis parameters nor on
	// the ignore list ([IgnoredOptions]); see [AllowUnknown].
	ErrUnknownOption = errors.New("unknown option")
)

// Error is the error this package returns. Its message names the options
// concerned and never contains a password: credential options' values are
// never printed, and neither is the URL.
type Error struct {
	// Kind is ErrUnsupported, ErrInvalidOption or ErrUnknownOption.
	Kind error
	// Options are the names of the options concerned, sorted (empty when
	// the problem is not an option).
	Options []string
	// Msg says what is wrong and how to fix it.
	Msg string
	// Err is the underlying cause (reading a certificate file, ...), or nil.
	Err error
}

// Error returns "goredis: <message>[: <cause>]".
func (e *Error) Error() string {
	s := "goredis: " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the kind and the cause, so both errors.Is(err,
// ErrInvalidOption) and errors.Is(err, fs.ErrNotExist) work.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

func unsupported(msg string) *Error { return &Error{Kind: ErrUnsupported, Msg: msg} }

func invalid(option, msg string, cause error) *Error {
	return &Error{Kind: ErrInvalidOption, Options: []string{option}, Msg: msg, Err: cause}
}
