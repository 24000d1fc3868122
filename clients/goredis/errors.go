package goredis

import "github.com/cacheurl/cacheurl/clients"

// The error kinds, shared with the other client packages (see package
// clients). Every error this package returns (apart from core's parse
// errors, which [Open] passes through) is an [*Error] matching one of them
// with errors.Is.
var (
	// ErrInvalidConfig: core.Config.Normalize rejects the config (a
	// hand-built value such as a host "h:99999" or "a b:6379", or a db
	// beyond 2147483647); core's *core.Error is wrapped, so its kind
	// (core.ErrInvalidPort, ...) matches too.
	ErrInvalidConfig = clients.ErrInvalidConfig
	// ErrWrongBackend: the config is not a redis-family URL (a
	// Django backend with no Go client is clients.ErrNoGoClient).
	ErrWrongBackend = clients.ErrWrongBackend
	// ErrUnsupported: the config cannot be turned into a go-redis client:
	// several hosts on plain redis://, or a constructor that does not fit
	// the topology (Options for a cluster URL).
	ErrUnsupported = clients.ErrUnsupported
	// ErrInvalidOption: an option has a bad value, does not apply to this
	// topology or scheme, or contradicts another option or the userinfo.
	ErrInvalidOption = clients.ErrInvalidOption
	// ErrUnknownOption: options that are neither go-redis parameters nor on
	// the ignore list ([IgnoredOptions]); see [AllowUnknownOptions].
	ErrUnknownOption = clients.ErrUnknownOption
)

// Error is the error of every client package: its message names the
// options concerned and never contains a password (credential options'
// values are never printed, the URL is not printed).
type Error = clients.Error

const pkg = "goredis"

func unsupported(msg string) *Error { return &Error{Package: pkg, Kind: ErrUnsupported, Msg: msg} }

func invalid(option, msg string, cause error) *Error {
	return &Error{Package: pkg, Kind: ErrInvalidOption, Options: []string{option}, Msg: msg, Err: cause}
}
