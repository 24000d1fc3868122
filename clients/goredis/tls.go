package goredis

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
)

// tlsConfig builds the TLS configuration of a TLS scheme: go-redis's own
// defaults (TLS 1.2 or later, ServerName set from the host, as redis.ParseURL
// does) plus both dialects' options:
//
//   - skip_verify=true (go-redis) or ssl_cert_reqs=none (redis-py): do not
//     verify the server's certificate. ssl_cert_reqs=optional and required
//     verify it: a client-side "optional" is "required" in Python's ssl
//     module, since a server always presents a certificate. Giving both
//     with opposite meanings is an error.
//   - ssl_ca_certs: a PEM bundle of CAs trusted in addition to the system
//     roots, as redis-py's ssl.create_default_context + load_verify_locations.
//   - ssl_certfile and ssl_keyfile: the client certificate; as in Python,
//     ssl_certfile alone may hold both the certificate and its key.
func tlsConfig(s *settings, serverName string) (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: serverName}
	skip := s.CertReqs == "none"
	if s.SkipVerify != nil {
		if s.CertReqs != "" && *s.SkipVerify != skip {
			return nil, &Error{Package: pkg, Kind: ErrInvalidOption, Options: []string{"skip_verify", "ssl_cert_reqs"}, Msg: fmt.Sprintf(
				"skip_verify=%t contradicts ssl_cert_reqs=%s; give one", *s.SkipVerify, s.CertReqs)}
		}
		skip = *s.SkipVerify
	}
	c.InsecureSkipVerify = skip

	if s.CAFile != "" {
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			return nil, invalid("ssl_ca_certs", "option ssl_ca_certs: cannot read the CA bundle", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, invalid("ssl_ca_certs", fmt.Sprintf("option ssl_ca_certs: no PEM certificate in %s", s.CAFile), nil)
		}
		c.RootCAs = pool
	}

	if s.KeyFile != "" && s.CertFile == "" {
		return nil, invalid("ssl_keyfile", "option ssl_keyfile needs ssl_certfile (the client certificate)", nil)
	}
	if s.CertFile != "" {
		key := s.KeyFile
		if key == "" {
			key = s.CertFile
		}
		cert, err := tls.LoadX509KeyPair(s.CertFile, key)
		if err != nil {
			opts := []string{"ssl_certfile"}
			if s.KeyFile != "" {
				opts = append(opts, "ssl_keyfile")
			}
			return nil, &Error{Package: pkg, Kind: ErrInvalidOption, Options: opts, Msg: "options " + strings.Join(opts, " and ") + ": cannot load the client certificate", Err: err}
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

// serverName is the host part of a "host:port" address: brackets and an
// IPv6 zone removed.
func serverName(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i]
	}
	return host
}
