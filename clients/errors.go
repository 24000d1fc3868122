// Package clients holds what the client packages (clients/goredis,
// clients/gomemcache) and the packages above them (cache, cache/django,
// check) share: one error shape ([Error]), the error kinds they have in
// common ([ErrWrongBackend], [ErrNoGoClient], [ErrInvalidConfig],
// [ErrUnsupported], [ErrUnknownOption], [ErrInvalidOption]) and the runtime
// kinds of a failed operation or check ([ErrRefused], [ErrTimeout],
// [ErrCanceled], [ErrResolve], [ErrAuth], [ErrDenied], [ErrTLS],
// [ErrUnknownMaster], [ErrLoading], [ErrMismatch], [ErrClosed], [ErrServer],
// [ErrFailed]). Every kind is a [core.Kind], the module's one kind type;
// a package declares a kind of its own with [core.NewKind].
//
// Every error a client package returns is an [*Error] whose Kind matches
// with errors.Is, and where the problem is one core knows, a core error kind
// too: an unknown option is also [core.ErrInvalidParameter], and a config
// that [core.Config.Normalize] rejects wraps core's own [*core.Error], so
// errors.Is(err, core.ErrInvalidPort) works on a client builder's error as
// on a parse error. No message contains a secret: URLs are redacted, option
// values of credentials are never printed, and what a server or a library
// said is passed through [core.RedactError].
package clients

import (
	"strconv"
	"strings"

	"github.com/cacheurl/cacheurl/core"
)

// Kind is the kind of a client error: [core.Kind], the module's one kind
// type. A kind may be a case of one of core's error kinds, which errors.Is
// then matches as well.
type Kind = core.Kind

// The kinds every client package shares.
var (
	// ErrWrongBackend: the config is for another backend (a memcached URL
	// given to the redis client, a redis URL to the in-process cache).
	ErrWrongBackend = core.NewKind("wrong_backend", "the URL is for another backend", nil)
	// ErrNoGoClient: the config is a Django backend no Go client serves
	// (file://, db://, uwsgicache://).
	ErrNoGoClient = core.NewKind("no_go_client", "no Go client for this Django backend", nil)
	// ErrInvalidConfig: core.Config.Normalize rejects the config (a
	// hand-built value: a host "h:99999", a db out of range, fields that
	// contradict the scheme). The *core.Error is the Error's Err, so its
	// kind (core.ErrInvalidPort, ...) matches too.
	ErrInvalidConfig = core.NewKind("invalid_config", "invalid config", nil)
	// ErrUnsupported: a valid URL this client cannot serve (several hosts
	// on plain redis://, TLS over a unix socket, memcached credentials, a
	// constructor that does not fit the topology).
	ErrUnsupported = core.NewKind("unsupported", "unsupported configuration", nil)
	// ErrUnknownOption: options the client neither uses nor ignores on
	// purpose; a typo, usually. Each package has an option to allow them
	// (AllowUnknownOptions). It is a case of core.ErrInvalidParameter.
	ErrUnknownOption = core.NewKind("unknown_option", "unknown option", core.ErrInvalidParameter)
	// ErrInvalidOption: an option with a bad value, or one that does not
	// apply here or contradicts another. It is a case of
	// core.ErrInvalidParameter.
	ErrInvalidOption = core.NewKind("invalid_option", "invalid option", core.ErrInvalidParameter)
)

// The runtime kinds: what went wrong talking to a server, for an error of
// an operation (package cache) or of a check. The message of such an error
// says what to do about it; the kind is for errors.Is and for machines
// (Code).
var (
	// ErrRefused: nothing listens at the address (or the unix socket does
	// not exist, or may not be opened).
	ErrRefused = core.NewKind("refused", "connection refused", nil)
	// ErrTimeout: no answer before the deadline (the context's, or the
	// URL's own timeouts). When the context's deadline caused it, the error
	// matches context.DeadlineExceeded too.
	ErrTimeout = core.NewKind("timeout", "timed out", nil)
	// ErrCanceled: the caller cancelled the context; the error matches
	// context.Canceled too.
	ErrCanceled = core.NewKind("canceled", "cancelled", nil)
	// ErrResolve: a host name does not resolve.
	ErrResolve = core.NewKind("resolve", "host not found", nil)
	// ErrAuth: the server rejected the credentials, or the user may not run
	// the command.
	ErrAuth = core.NewKind("auth", "authentication failed", nil)
	// ErrDenied: the server refuses connections by policy (redis in
	// protected mode, -DENIED).
	ErrDenied = core.NewKind("denied", "connection denied by the server", nil)
	// ErrTLS: the TLS handshake failed, or the port does not speak TLS.
	ErrTLS = core.NewKind("tls", "TLS handshake failed", nil)
	// ErrUnknownMaster: the Sentinels answered but know no master of that
	// name.
	ErrUnknownMaster = core.NewKind("unknown_master", "unknown sentinel master", nil)
	// ErrLoading: the server is up but still loading its dataset.
	ErrLoading = core.NewKind("loading", "the server is loading its dataset", nil)
	// ErrMismatch: the server is not what the URL says (another protocol,
	// not a cluster node, fewer databases than the db).
	ErrMismatch = core.NewKind("mismatch", "the server is not what the URL says", nil)
	// ErrClosed: the server closed the connection (or reset it) without
	// an answer.
	ErrClosed = core.NewKind("closed", "the server closed the connection", nil)
	// ErrServer: the server answered with an error (out of memory, a
	// read-only replica, a wrong type).
	ErrServer = core.NewKind("server", "the server reported an error", nil)
	// ErrFailed: any other failure.
	ErrFailed = core.NewKind("failed", "the operation failed", nil)
)

// Error is the error of every client package.
type Error struct {
	// Package is the client package's name ("goredis", "gomemcache",
	// "cache"), the prefix of the message.
	Package string
	// Op is the operation that failed ("get", "set_many"), for an error of
	// an operation on a server; "" for a configuration error.
	Op string
	// Kind is the sentinel the error matches with errors.Is.
	Kind *Kind
	// Options are the names of the options concerned, sorted (empty when
	// the problem is not an option). A tool can name them in its own words
	// (the CLI says "--allow-unknown" where the Go API says
	// AllowUnknownOptions).
	Options []string
	// URL is the config's redacted URL, or "".
	URL string
	// Msg says what is wrong and how to fix it.
	Msg string
	// Err is the underlying cause (a *core.Error, reading a certificate
	// file, a DNS failure, context.DeadlineExceeded), or nil.
	Err error
}

// Error returns `<package>: [<op>: ]<msg> (in "<redacted URL>")[: <cause>]`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Package != "" {
		b.WriteString(e.Package)
		b.WriteString(": ")
	}
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.URL != "" {
		b.WriteString(" (in ")
		b.WriteString(strconv.Quote(e.URL))
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the kind and the cause, so errors.Is matches the kind
// (and the core kind it stands for) and errors.As finds the cause.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}
