package core

import (
	"errors"
	"strings"
	"testing"
)

// parseTests is one table for Parse and Format (as net/url's URLTest): in
// parses to want, and Format(want) is out ("" means out == in).
var parseTests = []struct {
	in   string
	want Config
	out  string
}{
	// redis family
	{"redis://:s3cret@cache:6379/1?key_prefix=app&timeout=300",
		Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"cache:6379"}, Password: "s3cret", DB: 1, TTL: TTLSeconds(300), KeyPrefix: "app"},
		"redis://:s3cret@cache/1?timeout=300&key_prefix=app"},
	{"REDIS://MyHost:6379/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"MyHost:6379"}}, "redis://MyHost/0"},
	{"redis://host:/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"host:6379"}}, "redis://host/0"},
	{"redis://host:06380", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"host:6380"}}, "redis://host:6380/0"},
	{"redis://", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"localhost:6379"}}, "redis://localhost/0"},
	{"redis:///", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"localhost:6379"}}, "redis://localhost/0"},
	{"redis:///5", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"localhost:6379"}, DB: 5}, "redis://localhost/5"},
	{"redis://h/00", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}}, "redis://h/0"},
	{"redis://h/%31", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, DB: 1}, "redis://h/1"},
	{"redis://h?db=3", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, DB: 3}, "redis://h/3"},
	{"redis://h/2147483647", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, DB: 2147483647}, ""},
	{"redis://user:p%40ss@h/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Username: "user", Password: "p@ss"}, ""},
	{"redis://user:p@ss@h/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Username: "user", Password: "p@ss"}, "redis://user:p%40ss@h/0"},
	{"redis://u:a:b@h/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Username: "u", Password: "a:b"}, "redis://u:a%3Ab@h/0"},
	{"redis://:p%21@h/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Password: "p!"}, "redis://:p!@h/0"},
	{"redis://u@h/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Username: "u"}, ""},
	{"redis://:@h/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}}, "redis://h/0"},
	{"redis://h1:6379,h2:6380/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h1:6379", "h2:6380"}}, "redis://h1,h2:6380/0"},
	{"redis://[::1]:6379/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"[::1]:6379"}}, "redis://[::1]/0"},
	{"redis://[fe80::1%25eth0]/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"[fe80::1%eth0]:6379"}}, ""},
	{"redis://redis_1.svc-a/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"redis_1.svc-a:6379"}}, ""},
	{"rediss://h", Config{Scheme: "rediss", Backend: BackendRedis, TLS: true, Topology: Standalone, Hosts: []string{"h:6379"}}, "rediss://h/0"},
	{"valkeys://h:6380/2", Config{Scheme: "valkeys", Backend: BackendRedis, TLS: true, Topology: Standalone, Hosts: []string{"h:6380"}, DB: 2}, ""},
	{"hiredis://h/0", Config{Scheme: "hiredis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}}, ""},
	{"rediscache://h/0", Config{Scheme: "rediscache", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}}, ""},
	{"valkey://h/0", Config{Scheme: "valkey", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}}, ""},
	// unix sockets
	{"redis:///run/redis.sock", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Socket: "/run/redis.sock"}, ""},
	{"redis:///run/redis.sock/3", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Socket: "/run/redis.sock", DB: 3}, ""},
	{"redis:///run/redis.sock?db=3", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Socket: "/run/redis.sock", DB: 3}, "redis:///run/redis.sock/3"},
	{"redis:///run/6379/redis.sock", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Socket: "/run/6379/redis.sock"}, ""},
	{"redis:///run/6379/0", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Socket: "/run/6379"}, ""},
	{"redis:///run/dir/", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Socket: "/run/dir/"}, ""},
	{"redis:///tmp/a%20b.sock", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Socket: "/tmp/a b.sock"}, ""},
	// sentinel and cluster
	{"redis+sentinel://:pw@s1,s2:26380/mymaster/2", Config{Scheme: "redis+sentinel", Backend: BackendRedis, Topology: Sentinel, Master: "mymaster", Hosts: []string{"s1:26379", "s2:26380"}, Password: "pw", DB: 2}, ""},
	{"redis+sentinel://s1?master_name=m", Config{Scheme: "redis+sentinel", Backend: BackendRedis, Topology: Sentinel, Master: "m", Hosts: []string{"s1:26379"}}, "redis+sentinel://s1/m"},
	{"redis+sentinel://s1/3?master_name=a%2Fb", Config{Scheme: "redis+sentinel", Backend: BackendRedis, Topology: Sentinel, Master: "a/b", Hosts: []string{"s1:26379"}, DB: 3}, "redis+sentinel://s1/3?master_name=a/b"},
	{"rediss+sentinel:///m", Config{Scheme: "rediss+sentinel", Backend: BackendRedis, TLS: true, Topology: Sentinel, Master: "m", Hosts: []string{"localhost:26379"}}, "rediss+sentinel://localhost/m"},
	{"redis+cluster://n1,n2:7001,n3", Config{Scheme: "redis+cluster", Backend: BackendRedis, Topology: Cluster, Hosts: []string{"n1:6379", "n2:7001", "n3:6379"}}, ""},
	{"rediss+cluster://u:p@n1/0", Config{Scheme: "rediss+cluster", Backend: BackendRedis, TLS: true, Topology: Cluster, Hosts: []string{"n1:6379"}, Username: "u", Password: "p"}, "rediss+cluster://u:p@n1"},
	// memcached family
	{"memcached://a:11211,b", Config{Scheme: "memcached", Backend: BackendMemcached, Hosts: []string{"a:11211", "b"}}, ""},
	{"memcached://h:", Config{Scheme: "memcached", Backend: BackendMemcached, Hosts: []string{"h"}}, "memcached://h"},
	{"pymemcache://h1:11211,h2:11211/?key_prefix=a", Config{Scheme: "pymemcache", Backend: BackendMemcached, Hosts: []string{"h1:11211", "h2:11211"}, KeyPrefix: "a"}, "pymemcache://h1:11211,h2:11211?key_prefix=a"},
	{"memcached:///path/to/socket/", Config{Scheme: "memcached", Backend: BackendMemcached, Socket: "/path/to/socket/"}, ""},
	{"pylibmc://u:p@h", Config{Scheme: "pylibmc", Backend: BackendMemcached, Hosts: []string{"h"}, Username: "u", Password: "p"}, ""},
	{"memcache://[::1]:11211", Config{Scheme: "memcache", Backend: BackendMemcached, Hosts: []string{"[::1]:11211"}}, ""},
	{"elasticache://h1:1,h2:2", Config{Scheme: "elasticache", Backend: BackendMemcached, Hosts: []string{"h1:1", "h2:2"}}, ""},
	// names and directories
	{"locmem://", Config{Scheme: "locmem", Backend: BackendLocmem}, ""},
	{"locmem://unique-snowflake", Config{Scheme: "locmem", Backend: BackendLocmem, Path: "unique-snowflake"}, ""},
	{"locmem:///x", Config{Scheme: "locmem", Backend: BackendLocmem, Path: "x"}, "locmem://x"},
	{"locmem://x/", Config{Scheme: "locmem", Backend: BackendLocmem, Path: "x"}, "locmem://x"},
	{"locmem://%41", Config{Scheme: "locmem", Backend: BackendLocmem, Path: "A"}, "locmem://A"},
	{"locmem://%25", Config{Scheme: "locmem", Backend: BackendLocmem, Path: "%"}, ""},
	{"locmemcache://a", Config{Scheme: "locmemcache", Backend: BackendLocmem, Path: "a"}, ""},
	{"db://super_caching_table", Config{Scheme: "db", Backend: BackendDB, Path: "super_caching_table"}, ""},
	{"db:///t", Config{Scheme: "db", Backend: BackendDB, Path: "t"}, "db://t"},
	{"dummy://", Config{Scheme: "dummy", Backend: BackendDummy}, ""},
	{"uwsgicache://", Config{Scheme: "uwsgicache", Backend: BackendUWSGI, Path: "default"}, "uwsgicache://default"},
	{"uwsgicache://cachename/", Config{Scheme: "uwsgicache", Backend: BackendUWSGI, Path: "cachename"}, "uwsgicache://cachename"},
	{"file:///var/tmp/cache", Config{Scheme: "file", Backend: BackendFile, Path: "/var/tmp/cache"}, ""},
	{"file://relative/dir", Config{Scheme: "file", Backend: BackendFile, Path: "relative/dir"}, ""},
	{"file://C:/foo", Config{Scheme: "file", Backend: BackendFile, Path: "C:/foo"}, "file://C%3A/foo"},
	{"file:///tmp/a%20b", Config{Scheme: "file", Backend: BackendFile, Path: "/tmp/a b"}, ""},
	{"file:///tmp/c;x?timeout=1", Config{Scheme: "file", Backend: BackendFile, Path: "/tmp/c;x", TTL: TTLSeconds(1)}, ""},
	{"filecache:///", Config{Scheme: "filecache", Backend: BackendFile, Path: "/"}, ""},
	// hygiene
	{"  \tredis://h/0\r\n", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}}, "redis://h/0"},
	{"locmem:// ", Config{Scheme: "locmem", Backend: BackendLocmem}, "locmem://"},
	// cache arguments
	{"locmem://?timeout=5m", Config{Scheme: "locmem", Backend: BackendLocmem, TTL: TTLSeconds(300)}, "locmem://?timeout=300"},
	{"locmem://?ttl=1.5m", Config{Scheme: "locmem", Backend: BackendLocmem, TTL: TTLSeconds(90)}, "locmem://?timeout=90"},
	{"locmem://?TIMEOUT=0", Config{Scheme: "locmem", Backend: BackendLocmem, TTL: TTLSeconds(0)}, "locmem://?timeout=0"},
	{"locmem://?timeout=none", Config{Scheme: "locmem", Backend: BackendLocmem, TTL: NeverExpire}, ""},
	{"locmem://?timeout=None", Config{Scheme: "locmem", Backend: BackendLocmem, TTL: NeverExpire}, "locmem://?timeout=none"},
	{"locmem://?timeout=1h30m", Config{Scheme: "locmem", Backend: BackendLocmem, TTL: TTLSeconds(5400)}, "locmem://?timeout=5400"},
	{"locmem://?version=02&max_entries=1&cull_frequency=0", Config{Scheme: "locmem", Backend: BackendLocmem, Version: intp(2), MaxEntries: intp(1), CullFrequency: intp(0)}, "locmem://?version=2&max_entries=1&cull_frequency=0"},
	{"redis://h/0?Key_Prefix=A%20B+C&key_function=m.f", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, KeyPrefix: "A B C", KeyFunction: "m.f"}, "redis://h/0?key_prefix=A%20B%20C&key_function=m.f"},
	{"redis://h/0?key_prefix=a%26b%3Dc", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, KeyPrefix: "a&b=c"}, ""},
	{"redis://h/0?key_prefix=", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}}, "redis://h/0"},
	{"redis://h/0?&&a=1&&", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Options: map[string]string{"a": "1"}}, "redis://h/0?a=1"},
	{"redis://h/0?a==b", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Options: map[string]string{"a": "=b"}}, "redis://h/0?a=%3Db"},
	{"redis://h/0?lib=redis-cache&max_connections=50", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Lib: "redis-cache", Options: map[string]string{"max_connections": "50"}}, ""},
	{"redis://h/0?max_connections=x", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Options: map[string]string{"max_connections": "x"}}, ""},
	{"redis://h/0?lib=django-redis", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Lib: "django-redis"}, ""},
	{"redis://h/0?Pool_Size=10&x.y-z=%E2%9C%93", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Options: map[string]string{"pool_size": "10", "x.y-z": "✓"}}, "redis://h/0?pool_size=10&x.y-z=%E2%9C%93"},
	{"memcached://h?db=3", Config{Scheme: "memcached", Backend: BackendMemcached, Hosts: []string{"h"}, Options: map[string]string{"db": "3"}}, ""},
	{"redis://h/0?password=p%26w&sentinel_password=s", Config{Scheme: "redis", Backend: BackendRedis, Topology: Standalone, Hosts: []string{"h:6379"}, Options: map[string]string{"password": "p&w", "sentinel_password": "s"}}, "redis://h/0?password=p%26w&sentinel_password=s"},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !equalConfig(got, tt.want) {
			t.Errorf("Parse(%q)\n got  %s\n want %s", tt.in, dump(got), dump(tt.want))
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tt := range parseTests {
		out := tt.out
		if out == "" {
			out = tt.in
		}
		if got := Format(tt.want); got != out {
			t.Errorf("Format(Parse(%q)) = %q, want %q", tt.in, got, out)
		}
		back, err := Parse(out)
		if err != nil || !equalConfig(back, tt.want) {
			t.Errorf("Parse(%q) = %s, %v; want %s", out, dump(back), err, dump(tt.want))
		}
	}
}

// errorTests covers every error kind and the grammar's rejections. pw, when
// set, must not appear in the message.
var errorTests = []struct {
	in   string
	kind *Kind
	// part is a substring the message must contain (how to fix it).
	part string
	// at is the text the offset/length must underline in the redacted input
	// ("" to skip).
	at string
}{
	{"", ErrMalformed, "empty URL", ""},
	{"   ", ErrMalformed, "empty URL", ""},
	{"redis:host:6379", ErrMalformed, `did you mean "redis://host:6379"?`, ":"},
	{"host:6379", ErrMalformed, "missing scheme://", ""},
	{"://x", ErrMalformed, "empty scheme", "://"},
	{"redsi://h", ErrUnknownScheme, `unknown scheme "redsi" (did you mean "redis"?)`, "redsi"},
	{"memcahced://h", ErrUnknownScheme, `did you mean "memcached"?`, "memcahced"},
	{"donkey://127.0.0.1/foo", ErrUnknownScheme, "known schemes: redis, rediss", "donkey"},
	{"redis-cache://h", ErrUnknownScheme, "unknown scheme", "redis-cache"},
	{"un_known://x", ErrUnknownScheme, "unknown scheme", "un_known"},
	{"redis://h\n/0", ErrControlCharacter, `'\n'`, "\n"},
	{"\x01locmem://x", ErrControlCharacter, `'\x01'`, "\x01"},
	{"redis://h/0\x7f", ErrControlCharacter, `'\x7f'`, "\x7f"},
	{"locmem://a b", ErrMalformed, "%20", " "},
	{"redis://h/0#frag", ErrFragment, "%23", "#frag"},
	{"redis://:pa#ssword@h/0", ErrFragment, "'#' in a password must be written %23", ""},
	{"redis://" + strings.Repeat("a", MaxLength), ErrTooLong, "limit is 8192", ""},
	{"redis://h\xff/0", ErrMalformed, "invalid UTF-8", "\xff"},
	{"redis://\uff28ost/0", ErrInvalidHost, "invalid character 'Ｈ'", "\uff28"},
	{"redis://:pw@:6379/0", ErrInvalidHost, "missing host", ""},
	{"redis://h1,,h2/0", ErrInvalidHost, "empty host", ""},
	{"redis://h1,/0", ErrInvalidHost, "empty host", ""},
	{"redis://[foo]/0", ErrInvalidHost, "not an IPv6 address", "[foo]"},
	{"memcached://[foo]:1", ErrInvalidHost, "not an IPv6 address", "[foo]"},
	{"redis://[1.2.3.4]/0", ErrInvalidHost, "not an IPv6 address", "[1.2.3.4]"},
	{"redis://[v1.x]/0", ErrInvalidHost, "IPvFuture", "[v1.x]"},
	{"redis://[::1/0", ErrInvalidHost, "closing ']'", ""},
	{"redis://[::1]x/0", ErrInvalidHost, "after IPv6", "x"},
	{"redis://[fe80::1%eth0]/0", ErrInvalidHost, "%25", ""},
	{"redis://h%41/0", ErrInvalidHost, "invalid character '%'", "%"},
	{"redis://host:abc/0", ErrInvalidPort, `port "abc"`, "abc"},
	{"redis://host:0/0", ErrInvalidPort, "1 to 65535", "0"},
	{"redis://host:65536/0", ErrInvalidPort, "1 to 65535", "65536"},
	{"redis://h:\uff16/0", ErrInvalidPort, "1 to 65535", "\uff16"},
	{"redis://host:6379/0/extra", ErrInvalidPath, "must be /db", "/0/extra"},
	{"redis://host:6379/abc", ErrInvalidPath, "must be /db", "/abc"},
	{"redis://h/2147483648", ErrInvalidPath, "0 to 2147483647", "2147483648"},
	{"redis://h/1?db=2", ErrDuplicateParameter, "both in the path and as ?db=", "1"},
	{"redis://h/0?db=x", ErrInvalidParameter, `db "x"`, "x"},
	{"rediss:///path/to/sock/1", ErrInvalidPath, "unix socket", ""},
	{"redis:////", ErrInvalidPath, "socket path", ""},
	{"redis+sentinel://s1", ErrInvalidPath, "needs a master name", ""},
	{"redis+sentinel://s1//2", ErrInvalidPath, "empty sentinel master", ""},
	{"redis+sentinel://s1/m/x", ErrInvalidPath, "not a db number", ""},
	{"redis+sentinel://s1/m?master_name=n", ErrDuplicateParameter, "master_name", ""},
	{"redis+cluster://n1/1", ErrInvalidPath, "only db 0", "/1"},
	{"redis+cluster://n1?db=2", ErrInvalidPath, "only db 0", "2"},
	{"memcached://h:11211/extra/path", ErrInvalidPath, "no path", "/extra/path"},
	{"memcached://", ErrInvalidHost, "needs hosts", ""},
	{"memcached:///", ErrInvalidHost, "needs hosts", ""},
	{"elasticache:///x", ErrInvalidPath, "not a unix socket", "/x"},
	{"locmem://a/b", ErrInvalidPath, "takes a name only", "/b"},
	{"locmem:///a/b", ErrInvalidPath, "single name", "/a/b"},
	{"locmem://u:p@x", ErrInvalidHost, "takes no credentials", ""},
	{"locmem://a,b", ErrInvalidHost, "invalid character ','", "a,b"},
	{"db://", ErrInvalidPath, "needs a table name", ""},
	{"file://", ErrInvalidPath, "needs a directory", ""},
	{"file:///tmp/%zz", ErrMalformed, "invalid percent-escape", "%zz"},
	{"file:///tmp/%0A", ErrMalformed, "control character", ""},
	{"redis://h/0?flag&k=v", ErrInvalidParameter, `"flag" has no value`, "flag"},
	{"redis://h/0?=v", ErrInvalidParameter, "empty parameter name", "=v"},
	{"redis://h/0?k=v;x=y", ErrInvalidParameter, "%3B", ";"},
	{"redis://h/0?a%3Bb=1", ErrInvalidParameter, "invalid parameter name", "a%3Bb"},
	{"redis://h/0?x=%E2%9C%93&%C3%9F=1", ErrInvalidParameter, "invalid parameter name", "%C3%9F"},
	{"redis://h/0?a=%FF", ErrInvalidParameter, "valid UTF-8", "%FF"},
	{"redis://h/0?a=%G1", ErrInvalidParameter, "invalid percent-escape", "%G1"},
	{"redis://h/0?a=%", ErrInvalidParameter, "invalid percent-escape", "%"},
	{"redis://h/0?TIMEOUT=10&timeout=20", ErrDuplicateParameter, "timeout (alias ttl)", "timeout"},
	{"redis://h/0?ttl=10&timeout=20", ErrDuplicateParameter, "timeout (alias ttl)", "timeout"},
	{"redis://h/0?key_prefix=&key_prefix=x", ErrDuplicateParameter, "given twice", "key_prefix"},
	{"redis://h/0?lib=redis-cache&lib=x", ErrDuplicateParameter, "given twice", "lib"},
	{"redis://host/0?max_entries=1&max_entries=2", ErrDuplicateParameter, "given twice", "max_entries"},
	{"redis://h/0?options=x&max_entries=3", ErrReservedParameter, "OPTIONS", "options"},
	{"redis://h/0?Backend=x", ErrReservedParameter, "reserved", "Backend"},
	{"uwsgicache://?location=", ErrReservedParameter, "reserved", "location"},
	{"redis://h/0?timeout=abc", ErrInvalidParameter, `timeout "abc" must be whole seconds`, "abc"},
	{"redis://h/0?timeout=-1", ErrInvalidParameter, "whole seconds", "-1"},
	{"redis://h/0?timeout=1500ms", ErrInvalidParameter, "not a whole number of seconds", "1500ms"},
	{"redis://h/0?timeout=NONE", ErrInvalidParameter, "or none", "NONE"},
	{"redis://h/0?timeout=99999999999999999999", ErrInvalidParameter, "too large", ""},
	{"redis://h/0?cull_frequency=0x10", ErrInvalidParameter, `cull_frequency "0x10"`, "0x10"},
	{"redis://h/0?max_entries=0", ErrInvalidParameter, "from 1", "0"},
	{"redis://h/0?max_entries=\u0663", ErrInvalidParameter, "max_entries", "\u0663"},
	{"redis://h/0?max_entries=%20%207%20", ErrInvalidParameter, "max_entries", ""},
	{"redis://h/0?version=1_0", ErrInvalidParameter, "version", "1_0"},
	{"redis://h/0?version=-1", ErrInvalidParameter, "version", "-1"},
	{"redis://host/0?lib=Redis-Cache", ErrInvalidParameter, "(lower-case)", "Redis-Cache"},
	{"redis://host/0?lib=memcached", ErrInvalidParameter, "redis-cache or django-redis", "memcached"},
	{"memcached://host?lib=redis-cache", ErrInvalidParameter, "redis URLs only", "lib=redis-cache"},
	{"redis://host/0?timeout=20&lib=redis-cache&max_connections=x", ErrInvalidParameter, "max_connections", "x"},
	{"redis://host/0?lib=redis-cache&max_connections=0", ErrInvalidParameter, "max_connections", "0"},
	{"redis://host/0?lib=redis-cache&timeout=none", ErrInvalidParameter, "timeout=none cannot be used with lib=redis-cache", "none"},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range errorTests {
		_, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q): no error, want %v", tt.in, tt.kind)
			continue
		}
		if !errors.Is(err, tt.kind) {
			t.Errorf("Parse(%q): error %v is not %v", tt.in, err, tt.kind)
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("Parse(%q): %T is not *Error", tt.in, err)
		}
		if !strings.Contains(pe.Msg, tt.part) {
			t.Errorf("Parse(%q): message %q lacks %q", tt.in, pe.Msg, tt.part)
		}
		if !strings.HasPrefix(err.Error(), "cacheurl: ") {
			t.Errorf("Parse(%q): %q lacks the cacheurl: prefix", tt.in, err)
		}
		if pe.Offset < 0 || pe.Length < 0 || pe.Offset+pe.Length > len(pe.Input) {
			t.Errorf("Parse(%q): offset %d length %d outside input %q", tt.in, pe.Offset, pe.Length, pe.Input)
			continue
		}
		if tt.at != "" {
			if got := pe.Input[pe.Offset : pe.Offset+pe.Length]; got != tt.at {
				t.Errorf("Parse(%q): underlines %q, want %q", tt.in, got, tt.at)
			}
		}
	}
}

// TestErrorsRedactPasswords: no error message, echoed input or caret line
// contains the password, including passwords that break the URL.
func TestErrorsRedactPasswords(t *testing.T) {
	const pw = "Sup3rS3cret"
	tests := []struct{ in, wantInput string }{
		{"redis://:" + pw + "@h/0?timeout=abc", "redis://:xxxxx@h/0?timeout=abc"},
		{"redis://user:" + pw + "@h:99999/0", "redis://user:xxxxx@h:99999/0"},
		{"redsi://:" + pw + "@h/0", "redsi://:xxxxx@h/0"},
		{"redis://:" + pw + "#x@h/0", "redis://:xxxxx@h/0"},
		{"redis://:" + pw + "/x@h/0", "redis://:xxxxx@h/0"},
		{"redis://:" + pw + "?x@h/0", "redis://:xxxxx@h/0"},
		{"redis://:" + pw + "%zz@h/0", "redis://:xxxxx@h/0"},
		{"redis://:" + pw + "%0A@h/0", "redis://:xxxxx@h/0"},
		{"redis://:" + pw + "\n@h/0", "redis://:xxxxx@h/0"},
		{"redis://:" + pw + " @h/0", "redis://:xxxxx@h/0"},
		{"redis://:" + pw + "@h/0?password=" + pw + "&lib=x", "redis://:xxxxx@h/0?password=xxxxx&lib=x"},
		{"redis://h/0?lib=x&sentinel_password=" + pw, "redis://h/0?lib=x&sentinel_password=xxxxx"},
		{"redis://h/0?Password=" + pw + "%zz", "redis://h/0?Password=xxxxx"},
		{"redis://h/0?timeout=x&password=" + pw, "redis://h/0?timeout=x&password=xxxxx"},
		{"locmem://:" + pw + "@x", "locmem://:xxxxx@x"},
		{"redis://:" + pw + "@:6379/0", "redis://:xxxxx@:6379/0"},
		{"redis+sentinel://:" + pw + "@s1", "redis+sentinel://:xxxxx@s1"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q): no error", tt.in)
			continue
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("%T", err)
		}
		for _, s := range []string{err.Error(), pe.Caret(), pe.Msg} {
			if strings.Contains(s, pw) || strings.Contains(s, "Sup3r") {
				t.Errorf("Parse(%q): error text shows the password: %q", tt.in, s)
			}
		}
		if pe.Input != tt.wantInput {
			t.Errorf("Parse(%q): Input = %q, want %q", tt.in, pe.Input, tt.wantInput)
		}
	}
}

func TestSuggestScheme(t *testing.T) {
	tests := map[string]string{
		"redsi": "redis", "REDSI": "redis", "rediss": "rediss", "memcache": "memcache", "memcachd": "memcached",
		"pymemcach": "pymemcache", "locmen": "locmem", "fiel": "file", "dumy": "dummy", "valkye": "valkey",
		"redis+sentinal": "redis+sentinel", "xyzzy": "", "d": "", "http": "",
	}
	for in, want := range tests {
		if got := suggestScheme(in); got != want {
			t.Errorf("suggestScheme(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSchemeTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Schemes() {
		if s.Name != strings.ToLower(s.Name) || seen[s.Name] {
			t.Errorf("scheme %q: not lower-case or duplicated", s.Name)
		}
		seen[s.Name] = true
		if s.Backend == BackendRedis {
			if s.Topology == "" || s.DefaultPort == 0 {
				t.Errorf("redis scheme %q lacks topology or default port", s.Name)
			}
			if (s.Topology == Standalone) != (s.DjangoBackend != "") {
				t.Errorf("redis scheme %q: only standalone has a Django backend", s.Name)
			}
		} else if s.Topology != "" {
			t.Errorf("scheme %q: topology on a non-redis backend", s.Name)
		}
		if s.TLS != (strings.HasPrefix(s.Name, "rediss") || s.Name == "valkeys") {
			t.Errorf("scheme %q: TLS flag %v", s.Name, s.TLS)
		}
		if s.DjangoScheme != "" {
			if d, ok := LookupScheme(s.DjangoScheme); !ok || d.Dialect != dialectRef {
				t.Errorf("scheme %q renders as %q, which is not a django-cache-url scheme", s.Name, s.DjangoScheme)
			}
		}
		if _, err := Parse(s.Name + "://x"); err != nil && !errors.Is(err, ErrInvalidPath) && (s.Name != "unix" || !errors.Is(err, ErrInvalidHost)) {
			t.Errorf("scheme %q://x: %v", s.Name, err)
		}
	}
	if len(seen) != 27 {
		t.Errorf("scheme table has %d entries, want the 27 of docs/grammar.md", len(seen))
	}
}

func TestParseTTL(t *testing.T) {
	tests := []struct {
		in   string
		want TTL
		ok   bool
	}{
		{"300", TTLSeconds(300), true}, {"300s", TTLSeconds(300), true}, {"5m", TTLSeconds(300), true},
		{"1.5m", TTLSeconds(90), true}, {"0", TTLSeconds(0), true}, {"0s", TTLSeconds(0), true},
		{"never", NeverExpire, true}, {"none", NeverExpire, true}, {"None", NeverExpire, true},
		{"9223372036", TTLSeconds(MaxTTLSeconds), true}, {"9223372037", TTL{}, false},
		{"1500ms", TTL{}, false}, {"-5s", TTL{}, false}, {"+5s", TTL{}, false}, {"abc", TTL{}, false},
		{"", TTL{}, false}, {"5 m", TTL{}, false}, {"NEVER", TTL{}, false},
	}
	for _, tt := range tests {
		got, err := ParseTTL(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseTTL(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("ParseTTL(%q): %v is not ErrInvalidParameter", tt.in, err)
		}
	}
}
