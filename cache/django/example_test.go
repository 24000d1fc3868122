package django_test

import (
	"errors"
	"fmt"
	"math/big"
	"time"

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
