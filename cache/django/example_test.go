package django_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/cacheurl/cacheurl/cache"
	"github.com/cacheurl/cacheurl/cache/django"
	"github.com/cacheurl/cacheurl/core"
)

// A session Django keeps in redis, as django-redis wrote it:
// pickle.dumps({"user_id": 42, "cart": [1, 2], "name": "Zoë"}, 4).
const djangoSession = "\x80\x04\x95.\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x07user_id\x94K*\x8c\x04cart\x94]\x94(K\x01K\x02e\x8c\x04name\x94\x8c\x04Zo\xc3\xab\x94u."

// Read a value a Django service stored, with the codec the URL's Django
// backend implies.
func Example() {
	cfg, err := core.Parse("redis://cache.internal:6379/0?lib=django-redis")
	if err != nil {
		panic(err)
	}
	codec, err := django.New(cfg)
	if err != nil {
		panic(err)
	}
	v, err := codec.Decode([]byte(djangoSession), 0)
	if err != nil {
		panic(err)
	}
	session := v.(map[string]any)
	fmt.Println(session["user_id"], session["cart"], session["name"])
	// Output: 42 [1 2] Zoë
}

func ExampleNew() {
	for _, url := range []string{"redis://h/0", "redis://h/0?lib=django-redis", "pymemcache://h", "memcached://h", "file:///var/tmp/cache"} {
		cfg, _ := core.Parse(url)
		codec, err := django.New(cfg)
		if err != nil {
			fmt.Println(url, "->", err)
			continue
		}
		fmt.Println(url, "->", codec.Backend())
	}
	// Output:
	// redis://h/0 -> django.core.cache.backends.redis.RedisCache
	// redis://h/0?lib=django-redis -> django_redis.cache.RedisCache
	// pymemcache://h -> django.core.cache.backends.memcached.PyMemcacheCache
	// memcached://h -> django.core.cache.backends.memcached.PyLibMCCache
	// file:///var/tmp/cache -> django: file:// is Django's FileBasedCache, which no Go client serves (in "file:///var/tmp/cache")
}

func ExampleCodec_Decode() {
	codec := &django.Codec{} // Django's RedisCache
	n, _ := codec.Decode([]byte("1208925819614629174706176"), 0)
	fmt.Printf("%T %v\n", n, n)

	// pickle.dumps({"last_login": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)}, 4)
	v, _ := codec.Decode([]byte("\x80\x04\x95g\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\nlast_login\x94\x8c\x08datetime\x94\x8c\x08datetime\x94\x93\x94C\n\x07\xe8\x01\x02\x03\x04\x05\x00\x00\x00\x94h\x02\x8c\x08timezone\x94\x93\x94h\x02\x8c\ttimedelta\x94\x93\x94K\x00K\x00K\x00\x87\x94R\x94\x85\x94R\x94\x86\x94R\x94s."), 0)
	fmt.Println(v.(map[string]any)["last_login"].(time.Time).Format(time.RFC3339))

	// An object whose unpickling would run a command: refused, nothing runs.
	_, err := codec.Decode([]byte("\x80\x04\x95#\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\x08rm -rf ~\x94\x85\x94R\x94."), 0)
	fmt.Println(errors.Is(err, django.ErrUnsupported), err)
	// Output:
	// *big.Int 1208925819614629174706176
	// 2024-01-02T03:04:05Z
	// true django: pickle: the pickle refers to posix.system, which is not plain data (at byte 28); nothing was run
}

func ExampleCodec_Encode() {
	for _, url := range []string{"redis://h/0", "pymemcache://h", "memcached://h"} {
		cfg, _ := core.Parse(url)
		codec, _ := django.New(cfg)
		for _, v := range []any{42, true, "Zoë", 2.5} {
			data, flags, _ := codec.Encode(v)
			fmt.Printf("%s %v: flags %d, %q\n", url, v, flags, data[:min(len(data), 6)])
		}
	}
	// Output:
	// redis://h/0 42: flags 0, "42"
	// redis://h/0 true: flags 0, "\x80\x05\x88."
	// redis://h/0 Zoë: flags 0, "\x80\x05\x8c\x04Zo"
	// redis://h/0 2.5: flags 0, "\x80\x05G@\x04\x00"
	// pymemcache://h 42: flags 2, "42"
	// pymemcache://h true: flags 1, "\x80\x05\x88."
	// pymemcache://h Zoë: flags 16, "Zoë"
	// pymemcache://h 2.5: flags 1, "\x80\x05G@\x04\x00"
	// memcached://h 42: flags 4, "42"
	// memcached://h true: flags 2, "1"
	// memcached://h Zoë: flags 16, "Zoë"
	// memcached://h 2.5: flags 1, "\x80\x05G@\x04\x00"
}

func ExampleToJSON() {
	v := map[string]any{
		"float":   3.0,
		"int":     new(big.Int).Lsh(big.NewInt(1), 80),
		"tuple":   django.Tuple{1, "a"},
		"bytes":   []byte("raw"),
		"price":   django.Decimal("9.90"),
		"when":    time.Date(2024, 1, 2, 3, 4, 5, 250000, time.FixedZone("", 3600)),
		"ttl":     90 * time.Minute,
		"by_id":   django.Dict{{Key: 1, Value: "a"}, {Key: 2, Value: "b"}},
		"pairs":   django.Dict{{Key: django.Tuple{1, 2}, Value: "t"}},
		"nothing": nil,
	}
	out, _ := django.ToJSON(v)
	fmt.Println(string(out))
	// Output: {"by_id":{"1":"a","2":"b"},"bytes":"cmF3","float":3.0,"int":1208925819614629174706176,"nothing":null,"pairs":[[[1,2],"t"]],"price":"9.90","ttl":"P0DT01H30M00S","tuple":[1,"a"],"when":"2024-01-02T03:04:05.000250+01:00"}
}

func ExampleFromJSON() {
	v, _ := django.FromJSON([]byte(`{"n": 12345678901234567890123, "i": 42, "f": 3.0, "l": [true, null]}`))
	m := v.(map[string]any)
	for _, k := range []string{"n", "i", "f", "l"} {
		fmt.Printf("%s: %T %v\n", k, m[k], m[k])
	}
	// Output:
	// n: *big.Int 12345678901234567890123
	// i: int64 42
	// f: float64 3
	// l: []interface {} [true <nil>]
}

// Share values with a Django service through the cache both use. locmem://
// stands in for the redis or memcached URL the services share.
func ExampleCache() {
	ctx := context.Background()
	c, err := django.Open(ctx, "locmem://?key_prefix=shop&version=2")
	if err != nil {
		panic(err)
	}
	defer c.Close()

	// What Django's cache.set("greeting", "Zoë") and
	// cache.set("cart", {"items": [1, 2], "total": Decimal("9.90")}) store.
	_ = c.Set(ctx, "greeting", "Zoë")
	_ = c.Set(ctx, "cart", map[string]any{"items": []any{1, 2}, "total": django.Decimal("9.90")})
	_ = c.Set(ctx, "hits", 41)
	n, _ := c.Cache().Incr(ctx, "hits", 1) // an int is decimal text, as for Django

	greeting, _ := c.Get(ctx, "greeting")
	cart, _ := c.Get(ctx, "cart")
	line, _ := django.ToJSON(cart)
	raw, _ := c.Cache().Get(ctx, "greeting") // the bytes under "shop:2:greeting"
	fmt.Println(greeting, string(line), n)
	fmt.Printf("%q\n", raw)
	_, err = c.Get(ctx, "missing")
	fmt.Println(errors.Is(err, cache.ErrNotFound))
	// Output:
	// Zoë {"items":[1,2],"total":"9.90"} 42
	// "\x80\x05\x8c\x04Zoë."
	// true
}

// Read a Django value into a struct, as encoding/json would read its JSON.
func ExampleCache_GetInto() {
	ctx := context.Background()
	c, _ := django.Open(ctx, "locmem://")
	defer c.Close()
	_ = c.Set(ctx, "profile", map[string]any{
		"user_id": 42, "name": "Zoë", "tags": django.Tuple{"a", "b"},
		"joined": time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
	})

	var p struct {
		UserID int       `json:"user_id"`
		Name   string    `json:"name"`
		Tags   []string  `json:"tags"`
		Joined time.Time `json:"joined"`
	}
	if err := c.GetInto(ctx, "profile", &p); err != nil {
		panic(err)
	}
	fmt.Println(p.UserID, p.Name, p.Tags, p.Joined.Format(time.RFC3339))

	var wrong struct {
		Name int `json:"name"`
	}
	err := c.GetInto(ctx, "profile", &wrong)
	fmt.Println(errors.Is(err, django.ErrType), err)
	// Output:
	// 42 Zoë [a b] 2024-01-02T03:04:05Z
	// true django: get: "name" is a JSON string, which does not fit a Go int (in "locmem://")
}

// Read the session Django's cache (or cached_db) session engine keeps, by
// the session key from the sessionid cookie.
func ExampleCache_Session() {
	ctx := context.Background()
	c, _ := django.Open(ctx, "locmem://")
	defer c.Close()
	const sessionKey = "x8k2m1q7z9v4b6n3c5p0r2t4w6y8a1d3"

	// What request.session.save() stores with
	// SESSION_ENGINE = "django.contrib.sessions.backends.cache".
	key, _ := django.CacheSessions.SessionKey(sessionKey)
	_ = c.Set(ctx, key, map[string]any{"user_id": 42, "cart": []any{1, 2}, "name": "Zoë"})
	fmt.Println(key)

	s, err := c.Session(ctx, django.CacheSessions, sessionKey)
	if err != nil {
		panic(err)
	}
	fmt.Println(s["user_id"], s["cart"], s["name"])
	_, err = c.Session(ctx, django.CachedDBSessions, sessionKey)
	fmt.Println(errors.Is(err, cache.ErrNotFound))
	// Output:
	// django.contrib.sessions.cachex8k2m1q7z9v4b6n3c5p0r2t4w6y8a1d3
	// 42 [1 2] Zoë
	// true
}

func ExampleToPrintableJSON() {
	v := map[string]any{"name": "Zoë\x1b[2J", "rtl": "a\u202eb"}
	line, _ := django.ToJSON(v)
	safe, _ := django.ToPrintableJSON(v)
	fmt.Printf("%q\n%s\n", line, safe)
	// Output:
	// "{\"name\":\"Zoë\\u001b[2J\",\"rtl\":\"a\u202eb\"}"
	// {"name":"Zoë\u001b[2J","rtl":"a\u202eb"}
}

// Read a value from anywhere (a native client, GetMany's map) into a
// struct, as encoding/json would read its JSON.
func ExampleInto() {
	// What Django keeps for a logged-in user's session.
	session := map[string]any{
		"_auth_user_id": "42", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
		"cart": []any{int64(1), int64(2)}, "last_seen": time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	var s struct {
		UserID   string    `json:"_auth_user_id"`
		Cart     []int     `json:"cart"`
		LastSeen time.Time `json:"last_seen"`
	}
	if err := django.Into(session, &s); err != nil {
		panic(err)
	}
	fmt.Println(s.UserID, s.Cart, s.LastSeen.Format(time.RFC3339))
	// Output: 42 [1 2] 2024-01-02T03:04:05Z
}
