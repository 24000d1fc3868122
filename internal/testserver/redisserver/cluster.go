package redisserver

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cacheurl/cacheurl/internal/testserver"
)

// clusterTimeout bounds redis-cli --cluster create and the wait for every
// node to report cluster_state:ok.
const clusterTimeout = 30 * time.Second

// Cluster is a running Redis Cluster of masters without replicas.
type Cluster struct {
	// Nodes are the masters, in the order they were created.
	Nodes []*Server
	// Addrs are the nodes' "127.0.0.1:port" addresses.
	Addrs []string
}

// StartCluster starts masters (at least 3) cluster-enabled redis-servers,
// joins them with redis-cli --cluster create --cluster-replicas 0, and waits
// until every node reports cluster_state:ok with all 16384 slots assigned.
// The nodes are stopped when the test ends.
func StartCluster(t testing.TB, masters int) *Cluster {
	t.Helper()
	if masters < 3 {
		t.Fatalf("StartCluster: a cluster needs at least 3 masters, not %d", masters)
	}
	testserver.Binary(t, "redis-server")
	cli := testserver.Binary(t, "redis-cli")

	cl := &Cluster{}
	for range masters {
		s := startClusterNode(t)
		cl.Nodes = append(cl.Nodes, s)
		cl.Addrs = append(cl.Addrs, s.Addr)
	}

	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	args := append([]string{"--cluster", "create"}, cl.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	cl.waitOK(t)
	return cl
}

// startClusterNode starts one cluster-enabled node with its bus on a second
// free port (cluster-port), so the port+10000 default never matters.
func startClusterNode(t testing.TB) *Server {
	t.Helper()
	bin := testserver.Binary(t, "redis-server")
	var last error
	for range startAttempts {
		port := testserver.FreePort(t)
		bus := testserver.FreePort(t)
		for bus == port {
			bus = testserver.FreePort(t)
		}
		s := &Server{Network: "tcp", Port: port, Addr: "127.0.0.1:" + strconv.Itoa(port), Dir: t.TempDir(), log: &testserver.LogBuffer{}}
		conf := append(baseConf(s.Dir),
			"port "+strconv.Itoa(port),
			"cluster-enabled yes",
			"cluster-config-file nodes.conf",
			"cluster-port "+strconv.Itoa(bus),
			"cluster-node-timeout 5000",
		)
		s.proc, last = run(t, bin, s.Dir, "redis.conf", conf, nil, "tcp", s.Addr, s.log)
		if last == nil {
			return s
		}
	}
	t.Fatalf("cluster node: %v", last)
	return nil
}

// waitOK waits until every node says cluster_state:ok and
// cluster_slots_ok:16384.
func (cl *Cluster) waitOK(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(clusterTimeout)
	for _, n := range cl.Nodes {
		c := n.Dial(t)
		for {
			v, err := c.Do("CLUSTER", "INFO")
			info, _ := v.(string)
			if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, "cluster_slots_ok:16384") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cluster node %s not ready after %v: %v\n%s", n.Addr, clusterTimeout, err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
