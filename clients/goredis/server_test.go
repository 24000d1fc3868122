package goredis_test

// Tests against real redis-server processes (internal/testserver/redisserver).
// Every client is built only from a URL string with goredis.Open. They skip
// with a visible message when redis-server is not installed, or fail when
// CACHEURL_REQUIRE_SERVERS=1.

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cacheurl/cacheurl/clients/goredis"
	"github.com/cacheurl/cacheurl/internal/testserver"
	"github.com/cacheurl/cacheurl/internal/testserver/redisserver"
)

// failFast makes a failing connection fail at once: no command retries and
// a single dial attempt.
const failFast = "max_retries=-1&dialer_retries=1&dial_timeout=2s"

// open builds a client from rawURL only, closed when the test ends.
func open(t *testing.T, rawURL string) redis.UniversalClient {
	t.Helper()
	c, err := goredis.Open(context.Background(), rawURL)
	if err != nil {
		t.Fatalf("Open(%s): %v", rawURL, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func randomKey(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "cacheurl:test:" + hex.EncodeToString(b)
}

// roundTrip does SET, GET, DEL and GET of a random key and returns the key
// (deleted by then).
func roundTrip(t *testing.T, c redis.UniversalClient) {
	t.Helper()
	key := randomKey(t)
	cx := ctx(t)
	if err := c.Set(cx, key, "value", time.Minute).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	if got, err := c.Get(cx, key).Result(); err != nil || got != "value" {
		t.Fatalf("GET = %q, %v; want value", got, err)
	}
	if n, err := c.Del(cx, key).Result(); err != nil || n != 1 {
		t.Fatalf("DEL = %d, %v; want 1", n, err)
	}
	if _, err := c.Get(cx, key).Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("GET after DEL: err = %v, want redis.Nil", err)
	}
}

// connErr runs PING and returns its error (the first command connects).
func connErr(t *testing.T, rawURL string) error {
	t.Helper()
	err := open(t, rawURL).Ping(ctx(t)).Err()
	if err == nil {
		t.Fatalf("PING through %s succeeded, want an error", rawURL)
	}
	t.Logf("error: %v", err)
	return err
}

func TestServerPlain(t *testing.T) {
	t.Parallel()
	s := redisserver.Start(t, redisserver.Config{})
	check := s.Dial(t)

	for _, scheme := range []string{"redis", "valkey", "hiredis", "rediscache"} {
		t.Run(scheme, func(t *testing.T) {
			roundTrip(t, open(t, scheme+"://"+s.Addr))
		})
	}

	t.Run("db", func(t *testing.T) {
		c := open(t, "redis://"+s.Addr+"/3")
		key := randomKey(t)
		if err := c.Set(ctx(t), key, "in-db-3", 0).Err(); err != nil {
			t.Fatal(err)
		}
		// Independent check: the key is in db 3 and not in db 0.
		if got := check.Must(t, "GET", key); got != nil {
			t.Errorf("db 0 has the key: %v", got)
		}
		check.Must(t, "SELECT", "3")
		defer check.Must(t, "SELECT", "0")
		if got := check.Must(t, "GET", key); got != "in-db-3" {
			t.Errorf("db 3: GET = %v, want in-db-3", got)
		}
	})

	t.Run("db parameter", func(t *testing.T) {
		c := open(t, "redis://"+s.Addr+"?db=5")
		key := randomKey(t)
		if err := c.Set(ctx(t), key, "x", 0).Err(); err != nil {
			t.Fatal(err)
		}
		conn, err := redisserver.Dial("tcp", s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.Must(t, "SELECT", "5")
		if got := conn.Must(t, "EXISTS", key); got != int64(1) {
			t.Errorf("db 5: EXISTS = %v, want 1", got)
		}
	})

	t.Run("parameters reach the server", func(t *testing.T) {
		c := open(t, "redis://"+s.Addr+"/0?client_name=cacheurl-test&protocol=2&pool_size=2&read_timeout=3s&key_prefix=app&timeout=60&client_class=x")
		if got, err := c.ClientGetName(ctx(t)).Result(); err != nil || got != "cacheurl-test" {
			t.Errorf("CLIENT GETNAME = %q, %v", got, err)
		}
		info, err := c.ClientInfo(ctx(t)).Result()
		if err != nil {
			t.Fatal(err)
		}
		if info.Resp != 2 {
			t.Errorf("RESP = %d, want 2", info.Resp)
		}
		roundTrip(t, c)
	})

	t.Run("wrong port", func(t *testing.T) {
		port := testserver.FreePort(t) // nothing listens there
		err := connErr(t, "redis://127.0.0.1:"+strconv.Itoa(port)+"/0?"+failFast)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("err = %v, want connection refused", err)
		}
	})

	t.Run("unknown option", func(t *testing.T) {
		_, err := goredis.Open(context.Background(), "redis://"+s.Addr+"/0?pool_sise=3")
		if !errors.Is(err, goredis.ErrUnknownOption) || !strings.Contains(err.Error(), "pool_sise") {
			t.Errorf("err = %v, want ErrUnknownOption naming pool_sise", err)
		}
	})

	t.Run("several hosts", func(t *testing.T) {
		_, err := goredis.Open(context.Background(), "redis://"+s.Addr+","+s.Addr+"/0")
		if !errors.Is(err, goredis.ErrUnsupported) || !strings.Contains(err.Error(), "redis+cluster://") {
			t.Errorf("err = %v, want ErrUnsupported pointing to redis+cluster://", err)
		}
	})
}

// password has characters that must be percent-encoded in a URL.
const password = "p@ss:w/rd#1"

func TestServerAuth(t *testing.T) {
	t.Parallel()
	s := redisserver.Start(t, redisserver.Config{
		Password: password,
		Users:    []string{"alice on >" + password + "-alice ~* +@all"},
	})
	pw := url.QueryEscape(password)

	t.Run("requirepass", func(t *testing.T) {
		c := open(t, "redis://:"+pw+"@"+s.Addr+"/0")
		roundTrip(t, c)
		if got, err := c.Do(ctx(t), "ACL", "WHOAMI").Text(); err != nil || got != "default" {
			t.Errorf("ACL WHOAMI = %q, %v", got, err)
		}
	})

	t.Run("acl user", func(t *testing.T) {
		c := open(t, "redis://alice:"+pw+"-alice@"+s.Addr+"/1")
		roundTrip(t, c)
		if got, err := c.Do(ctx(t), "ACL", "WHOAMI").Text(); err != nil || got != "alice" {
			t.Errorf("ACL WHOAMI = %q, %v; want alice", got, err)
		}
	})

	t.Run("password option", func(t *testing.T) {
		roundTrip(t, open(t, "redis://"+s.Addr+"/0?username=alice&password="+pw+"-alice"))
	})

	for name, u := range map[string]string{
		"wrong password": "redis://:wrong-" + pw + "@" + s.Addr + "/0?" + failFast,
		"wrong user":     "redis://bob:" + pw + "@" + s.Addr + "/0?" + failFast,
	} {
		t.Run(name, func(t *testing.T) {
			err := connErr(t, u)
			if !redis.IsAuthError(err) || !strings.Contains(err.Error(), "WRONGPASS") {
				t.Errorf("err = %v, want an authentication error (WRONGPASS)", err)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("error contains the password: %v", err)
			}
		})
	}

	t.Run("no password", func(t *testing.T) {
		err := connErr(t, "redis://"+s.Addr+"/0?"+failFast)
		if !redis.IsAuthError(err) {
			t.Errorf("err = %v, want NOAUTH", err)
		}
	})
}

func TestServerSocket(t *testing.T) {
	t.Parallel()
	s := redisserver.Start(t, redisserver.Config{Socket: true, Password: password, Users: []string{"alice on >alicepw ~* +@all"}})
	pw := url.QueryEscape(password)

	t.Run("password option", func(t *testing.T) {
		c := open(t, "redis://"+s.Socket+"/2?password="+pw)
		roundTrip(t, c)
		key := randomKey(t)
		if err := c.Set(ctx(t), key, "sock", 0).Err(); err != nil {
			t.Fatal(err)
		}
		conn := s.Dial(t)
		conn.Must(t, "SELECT", "2")
		if got := conn.Must(t, "GET", key); got != "sock" {
			t.Errorf("db 2: GET = %v, want sock", got)
		}
	})

	t.Run("acl user", func(t *testing.T) {
		c := open(t, "redis://"+s.Socket+"?username=alice&password=alicepw")
		roundTrip(t, c)
		if got, err := c.Do(ctx(t), "ACL", "WHOAMI").Text(); err != nil || got != "alice" {
			t.Errorf("ACL WHOAMI = %q, %v", got, err)
		}
	})

	t.Run("no password", func(t *testing.T) {
		if err := connErr(t, "redis://"+s.Socket+"?"+failFast); !redis.IsAuthError(err) {
			t.Errorf("err = %v, want NOAUTH", err)
		}
	})
}

func TestServerTLS(t *testing.T) {
	t.Parallel()
	certs := redisserver.NewCerts(t)
	s := redisserver.Start(t, redisserver.Config{TLS: certs, Password: password})
	mtls := redisserver.Start(t, redisserver.Config{TLS: certs, TLSAuthClients: "yes"})
	pw := url.QueryEscape(password)
	ca := url.QueryEscape(certs.CAFile)
	base := "rediss://:" + pw + "@" + s.Addr + "/0?"

	for name, u := range map[string]string{
		"ssl_ca_certs":                base + "ssl_ca_certs=" + ca,
		"ssl_ca_certs required":       base + "ssl_ca_certs=" + ca + "&ssl_cert_reqs=required",
		"ssl_cert_reqs=none":          base + "ssl_cert_reqs=none",
		"skip_verify":                 base + "skip_verify=true",
		"valkeys":                     "valkeys://:" + pw + "@" + s.Addr + "/1?ssl_ca_certs=" + ca,
		"localhost name":              "rediss://:" + pw + "@localhost:" + strconv.Itoa(s.Port) + "/0?ssl_ca_certs=" + ca,
		"client cert, optional":       base + "ssl_ca_certs=" + ca + "&ssl_certfile=" + url.QueryEscape(certs.ClientCertFile) + "&ssl_keyfile=" + url.QueryEscape(certs.ClientKeyFile),
		"client cert, required":       "rediss://" + mtls.Addr + "/0?ssl_ca_certs=" + ca + "&ssl_certfile=" + url.QueryEscape(certs.ClientCertFile) + "&ssl_keyfile=" + url.QueryEscape(certs.ClientKeyFile),
		"client cert in one PEM file": "rediss://" + mtls.Addr + "/0?ssl_ca_certs=" + ca + "&ssl_certfile=" + url.QueryEscape(certs.ClientPEMFile),
	} {
		t.Run(name, func(t *testing.T) {
			roundTrip(t, open(t, u))
		})
	}

	t.Run("bad CA", func(t *testing.T) {
		err := connErr(t, base+"ssl_ca_certs="+url.QueryEscape(certs.OtherCAFile)+"&"+failFast)
		var verr *tls.CertificateVerificationError
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &verr) || !errors.As(err, &unknown) {
			t.Errorf("err = %v (%T), want a certificate verification error (unknown authority)", err, err)
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("error contains the password: %v", err)
		}
	})

	t.Run("no CA", func(t *testing.T) {
		// The system roots do not include the test CA.
		err := connErr(t, base+"ssl_cert_reqs=required&"+failFast)
		var verr *tls.CertificateVerificationError
		if !errors.As(err, &verr) {
			t.Errorf("err = %v, want a certificate verification error", err)
		}
	})

	t.Run("host name mismatch", func(t *testing.T) {
		// The certificate is for 127.0.0.1, ::1 and localhost; a trusted CA
		// does not excuse another name (ServerName comes from the host).
		opts, err := goredis.Options(parse(t, base+"ssl_ca_certs="+ca))
		if err != nil {
			t.Fatal(err)
		}
		opts.TLSConfig.ServerName = "cache.example"
		opts.MaxRetries, opts.DialerRetries = -1, 1
		c := redis.NewClient(opts)
		defer c.Close()
		var herr x509.HostnameError
		if err := c.Ping(ctx(t)).Err(); !errors.As(err, &herr) {
			t.Errorf("err = %v, want a host name error", err)
		}
	})

	t.Run("no client cert, required", func(t *testing.T) {
		// With TLS 1.3 the client's side of the handshake completes before
		// the server checks the certificate, so the refusal arrives as the
		// server's "certificate required" alert or, depending on timing, as
		// a reset or EOF on the first command. "client cert, required" above
		// shows the same server accepts the client with a certificate.
		err := connErr(t, "rediss://"+mtls.Addr+"/0?ssl_ca_certs="+ca+"&"+failFast)
		if !strings.Contains(err.Error(), "certificate required") && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
			t.Errorf("err = %v, want a TLS certificate error, a reset or EOF", err)
		}
	})

	t.Run("plain to TLS port", func(t *testing.T) {
		err := connErr(t, "redis://:"+pw+"@"+s.Addr+"/0?"+failFast+"&read_timeout=1s")
		if err == nil {
			t.Error("a plain client talked to a TLS port")
		}
	})
}

func TestServerSentinel(t *testing.T) {
	t.Parallel()
	master := redisserver.Start(t, redisserver.Config{Password: password})
	sentinel := redisserver.StartSentinel(t, master, redisserver.SentinelConfig{Password: "sentinel-pw"})
	pw := url.QueryEscape(password)
	base := "redis+sentinel://:" + pw + "@" + sentinel.Addr + "/" + sentinel.MasterName

	t.Run("round trip", func(t *testing.T) {
		c := open(t, base+"/2?sentinel_password=sentinel-pw")
		roundTrip(t, c)
		key := randomKey(t)
		if err := c.Set(ctx(t), key, "via-sentinel", 0).Err(); err != nil {
			t.Fatal(err)
		}
		conn := master.Dial(t)
		conn.Must(t, "SELECT", "2")
		if got := conn.Must(t, "GET", key); got != "via-sentinel" {
			t.Errorf("master db 2: GET = %v, want via-sentinel", got)
		}
	})

	t.Run("several sentinels, one down", func(t *testing.T) {
		down := "127.0.0.1:" + strconv.Itoa(testserver.FreePort(t))
		roundTrip(t, open(t, "redis+sentinel://:"+pw+"@"+down+","+sentinel.Addr+"/"+sentinel.MasterName+"?sentinel_password=sentinel-pw&dial_timeout=1s"))
	})

	t.Run("wrong sentinel password", func(t *testing.T) {
		err := connErr(t, base+"?sentinel_password=wrong-sentinel-pw&"+failFast)
		if !strings.Contains(err.Error(), "WRONGPASS") {
			t.Errorf("err = %v, want the sentinel's WRONGPASS", err)
		}
		if strings.Contains(err.Error(), "wrong-sentinel-pw") || strings.Contains(err.Error(), password) {
			t.Errorf("error contains a password: %v", err)
		}
	})

	t.Run("wrong data-node password", func(t *testing.T) {
		err := connErr(t, "redis+sentinel://:wrong@"+sentinel.Addr+"/"+sentinel.MasterName+"?sentinel_password=sentinel-pw&"+failFast)
		if !redis.IsAuthError(err) {
			t.Errorf("err = %v, want an authentication error", err)
		}
	})
}

func TestServerCluster(t *testing.T) {
	t.Parallel()
	cl := redisserver.StartCluster(t, 3)
	c := open(t, "redis+cluster://"+strings.Join(cl.Addrs, ",")+"?read_timeout=2s")
	if _, ok := c.(*redis.ClusterClient); !ok {
		t.Fatalf("client is %T, want *redis.ClusterClient", c)
	}
	roundTrip(t, c)

	// Keys spread over the slots: every master ends up holding some.
	for i := range 60 {
		key := "cacheurl:cluster:" + strconv.Itoa(i)
		if err := c.Set(ctx(t), key, i, time.Minute).Err(); err != nil {
			t.Fatalf("SET %s: %v", key, err)
		}
		if got, err := c.Get(ctx(t), key).Int(); err != nil || got != i {
			t.Fatalf("GET %s = %d, %v", key, got, err)
		}
	}
	for _, n := range cl.Nodes {
		if size := n.Dial(t).Must(t, "DBSIZE"); size == int64(0) {
			t.Errorf("node %s holds no keys", n.Addr)
		}
	}

	t.Run("one seed", func(t *testing.T) {
		roundTrip(t, open(t, "redis+cluster://"+cl.Addrs[1]))
	})
}
