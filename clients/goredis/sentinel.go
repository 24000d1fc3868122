package goredis

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"syscall"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// failoverAddr is the client's placeholder address, as go-redis names it.
// It is never dialled nor looked up: the dialer asks the Sentinels.
const failoverAddr = "FailoverClient"

// noEndpointDetection is the maintenance-notifications setting of every
// client NewFailoverClient builds: disabled, as in go-redis's failover
// client, and with an endpoint type given, so that go-redis does not look
// up the client's address to guess one (in go-redis v9.22,
// redis.Options.init resolves Addr on the system resolver, for up to 2 s,
// whenever the endpoint type is left to "auto").
func noEndpointDetection() *maintnotifications.Config {
	return &maintnotifications.Config{Mode: maintnotifications.ModeDisabled, EndpointType: maintnotifications.EndpointTypeNone}
}

// NewFailoverClient returns a *redis.Client for a Sentinel-managed master,
// as redis.NewFailoverClient does, without its stall: go-redis v9.22's
// NewFailoverClient builds its client on the placeholder address
// "FailoverClient" and resolves that name on the system resolver (to
// classify the endpoint for maintenance notifications, which it then
// leaves disabled), waiting up to 2 s, whatever the caller's deadline, for
// a lookup of a name that is none of the URL's hosts. This client looks up
// nothing but the hosts it dials.
//
// Every new connection asks the Sentinels (fo.SentinelAddrs, all at once;
// the first answer wins) for the master's address (SENTINEL
// GET-MASTER-ADDR-BY-NAME), or with ReplicaOnly for a random replica that
// is up (SENTINEL REPLICAS; the master when there is none), and dials it
// with fo.Dialer or a net.Dialer (TLS with fo.TLSConfig). When a new
// connection finds another master than the last one, every connection to
// the old master is closed, so the pool moves over at once; a connection
// to a master that was demoted also fails at its first write (READONLY),
// which go-redis retries on a new connection. Unlike go-redis's failover
// client it does not subscribe to the Sentinels' +switch-master messages
// (a subscription needs a goroutine that Close could not stop), and it
// does not add the Sentinels the Sentinels report to the list. When no
// Sentinel answers, the error says "all sentinels specified in
// configuration are unreachable", with each Sentinel's error joined (a
// master name no Sentinel knows is redis.Nil), as go-redis's does.
//
// fo.RouteByLatency and fo.RouteRandomly need a cluster client
// (redis.NewFailoverClusterClient); NewFailoverClient panics on them, as
// redis.NewFailoverClient does.
func NewFailoverClient(fo *redis.FailoverOptions) *redis.Client {
	if fo == nil {
		panic("goredis: NewFailoverClient nil options")
	}
	if fo.RouteByLatency || fo.RouteRandomly {
		panic("goredis: NewFailoverClient: to route commands by latency or randomly, use redis.NewFailoverClusterClient")
	}
	f := &failover{opt: *fo, conns: map[*trackedConn]struct{}{}}
	f.sentinels = append([]string(nil), fo.SentinelAddrs...)
	rand.Shuffle(len(f.sentinels), func(i, j int) { f.sentinels[i], f.sentinels[j] = f.sentinels[j], f.sentinels[i] })
	return redis.NewClient(&redis.Options{
		Addr:                         failoverAddr,
		Dialer:                       f.dial,
		OnConnect:                    fo.OnConnect,
		ClientName:                   fo.ClientName,
		DB:                           fo.DB,
		Protocol:                     fo.Protocol,
		Username:                     fo.Username,
		Password:                     fo.Password,
		CredentialsProvider:          fo.CredentialsProvider,
		CredentialsProviderContext:   fo.CredentialsProviderContext,
		StreamingCredentialsProvider: fo.StreamingCredentialsProvider,
		MaxRetries:                   fo.MaxRetries,
		MinRetryBackoff:              fo.MinRetryBackoff,
		MaxRetryBackoff:              fo.MaxRetryBackoff,
		ReadBufferSize:               fo.ReadBufferSize,
		WriteBufferSize:              fo.WriteBufferSize,
		DialTimeout:                  fo.DialTimeout,
		DialerRetries:                fo.DialerRetries,
		DialerRetryTimeout:           fo.DialerRetryTimeout,
		DialerRetryBackoff:           fo.DialerRetryBackoff,
		ReadTimeout:                  fo.ReadTimeout,
		WriteTimeout:                 fo.WriteTimeout,
		ContextTimeoutEnabled:        fo.ContextTimeoutEnabled,
		PoolFIFO:                     fo.PoolFIFO,
		PoolSize:                     fo.PoolSize,
		MaxConcurrentDials:           fo.MaxConcurrentDials,
		PoolTimeout:                  fo.PoolTimeout,
		MinIdleConns:                 fo.MinIdleConns,
		MaxIdleConns:                 fo.MaxIdleConns,
		MaxActiveConns:               fo.MaxActiveConns,
		ConnMaxIdleTime:              fo.ConnMaxIdleTime,
		ConnMaxLifetime:              fo.ConnMaxLifetime,
		ConnMaxLifetimeJitter:        fo.ConnMaxLifetimeJitter,
		TLSConfig:                    fo.TLSConfig,
		DisableIdentity:              fo.DisableIdentity,
		IdentitySuffix:               fo.IdentitySuffix,
		MaintNotificationsConfig:     noEndpointDetection(),
	})
}

// failover finds the node to dial through the Sentinels.
type failover struct {
	opt redis.FailoverOptions

	mu        sync.Mutex
	sentinels []string // the one that answered last first
	master    string   // the master the last dial found
	conns     map[*trackedConn]struct{}
}

// sentinelOptions are the options of a client of one Sentinel: go-redis's
// (FailoverOptions.sentinelOptions) with one connection, none kept idle,
// and no endpoint detection.
func (f *failover) sentinelOptions(addr string) *redis.Options {
	o := &f.opt
	return &redis.Options{
		Addr:                     addr,
		ClientName:               o.ClientName,
		Dialer:                   o.Dialer,
		Username:                 o.SentinelUsername,
		Password:                 o.SentinelPassword,
		MaxRetries:               -1,
		ReadBufferSize:           4096,
		WriteBufferSize:          4096,
		DialTimeout:              o.DialTimeout,
		DialerRetries:            o.DialerRetries,
		DialerRetryTimeout:       o.DialerRetryTimeout,
		DialerRetryBackoff:       o.DialerRetryBackoff,
		ReadTimeout:              o.ReadTimeout,
		WriteTimeout:             o.WriteTimeout,
		ContextTimeoutEnabled:    o.ContextTimeoutEnabled,
		PoolSize:                 1,
		TLSConfig:                o.TLSConfig,
		DisableIdentity:          o.DisableIdentity,
		IdentitySuffix:           o.IdentitySuffix,
		MaintNotificationsConfig: noEndpointDetection(),
	}
}

// ask queries every Sentinel at once with q and returns the first answer;
// the others are cancelled and waited for (nothing is left running).
func (f *failover) ask(ctx context.Context, q func(context.Context, *redis.SentinelClient) (string, error)) (string, error) {
	f.mu.Lock()
	sentinels := append([]string(nil), f.sentinels...)
	f.mu.Unlock()
	if len(sentinels) == 0 {
		return "", errors.New("redis: no sentinels configured")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type answer struct {
		sentinel, addr string
		err            error
	}
	ch := make(chan answer, len(sentinels))
	for _, s := range sentinels {
		go func() {
			c := redis.NewSentinelClient(f.sentinelOptions(s))
			addr, err := q(ctx, c)
			_ = c.Close()
			if err != nil {
				err = fmt.Errorf("sentinel %s: %w", s, err)
			}
			ch <- answer{s, addr, err}
		}()
	}
	var (
		found answer
		errs  []error
	)
	for range sentinels {
		a := <-ch
		switch {
		case a.err == nil && found.addr == "":
			found = a
			cancel()
		case a.err != nil && found.addr == "":
			errs = append(errs, a.err)
		}
	}
	if found.addr == "" {
		return "", fmt.Errorf("redis: all sentinels specified in configuration are unreachable: %w", errors.Join(errs...))
	}
	f.mu.Lock()
	for i, s := range f.sentinels {
		if s == found.sentinel {
			f.sentinels[0], f.sentinels[i] = f.sentinels[i], f.sentinels[0]
			break
		}
	}
	f.mu.Unlock()
	return found.addr, nil
}

func (f *failover) masterAddr(ctx context.Context) (string, error) {
	return f.ask(ctx, func(ctx context.Context, c *redis.SentinelClient) (string, error) {
		a, err := c.GetMasterAddrByName(ctx, f.opt.MasterName).Result()
		if err != nil {
			return "", err
		}
		if len(a) != 2 {
			return "", fmt.Errorf("unexpected reply to SENTINEL GET-MASTER-ADDR-BY-NAME: %q", a)
		}
		return net.JoinHostPort(a[0], a[1]), nil
	})
}

func (f *failover) replicaAddr(ctx context.Context) (string, error) {
	addr, err := f.ask(ctx, func(ctx context.Context, c *redis.SentinelClient) (string, error) {
		replicas, err := c.Replicas(ctx, f.opt.MasterName).Result()
		if err != nil {
			return "", err
		}
		var up []string
		for _, r := range replicas {
			if down(r["flags"], f.opt.UseDisconnectedReplicas) || r["ip"] == "" || r["port"] == "" {
				continue
			}
			up = append(up, net.JoinHostPort(r["ip"], r["port"]))
		}
		if len(up) == 0 {
			return "-", nil // answered: no replica
		}
		return up[rand.IntN(len(up))], nil
	})
	if err != nil || addr != "-" {
		return addr, err
	}
	return f.masterAddr(ctx)
}

// down reports whether a replica's flags say it is down (or disconnected,
// unless those are wanted), as go-redis's parseReplicaAddrs reads them.
func down(flags string, keepDisconnected bool) bool {
	for _, fl := range strings.Split(flags, ",") {
		switch fl {
		case "s_down", "o_down":
			return true
		case "disconnected":
			if !keepDisconnected {
				return true
			}
		}
	}
	return false
}

// dial is the data client's dialer.
func (f *failover) dial(ctx context.Context, network, _ string) (net.Conn, error) {
	var addr string
	var err error
	if f.opt.ReplicaOnly {
		addr, err = f.replicaAddr(ctx)
	} else {
		addr, err = f.masterAddr(ctx)
	}
	if err != nil {
		return nil, err
	}
	if !f.opt.ReplicaOnly {
		f.switchMaster(addr)
	}
	var conn net.Conn
	if f.opt.Dialer != nil {
		conn, err = f.opt.Dialer(ctx, network, addr)
	} else {
		d := &net.Dialer{Timeout: f.opt.DialTimeout}
		if f.opt.TLSConfig == nil {
			conn, err = d.DialContext(ctx, network, addr)
		} else {
			conn, err = (&tls.Dialer{NetDialer: d, Config: f.opt.TLSConfig}).DialContext(ctx, network, addr)
		}
	}
	if err != nil {
		return nil, err
	}
	return f.track(conn, addr), nil
}

// switchMaster records the master a dial found; when it is another one than
// before, the connections to the others are closed.
func (f *failover) switchMaster(addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if addr == f.master {
		return
	}
	f.master = addr
	for c := range f.conns {
		if c.addr != addr {
			_ = c.Conn.Close()
		}
	}
}

// trackedConn is a data connection the failover knows the node of.
type trackedConn struct {
	net.Conn
	f    *failover
	addr string
	once sync.Once
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.f.mu.Lock()
		delete(c.f.conns, c)
		c.f.mu.Unlock()
	})
	return err
}

// sysTrackedConn is a trackedConn over a connection that has a file
// descriptor, which go-redis's pool uses to check an idle connection's
// health.
type sysTrackedConn struct{ *trackedConn }

func (c sysTrackedConn) SyscallConn() (syscall.RawConn, error) {
	return c.Conn.(syscall.Conn).SyscallConn()
}

func (f *failover) track(conn net.Conn, addr string) net.Conn {
	tc := &trackedConn{Conn: conn, f: f, addr: addr}
	f.mu.Lock()
	f.conns[tc] = struct{}{}
	f.mu.Unlock()
	if _, ok := conn.(syscall.Conn); ok {
		return sysTrackedConn{tc}
	}
	return tc
}
