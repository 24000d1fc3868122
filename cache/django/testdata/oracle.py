"""The Python side of package django's tests: real pickle, django-redis,
pymemcache and pylibmc write values for Go to read, and read what Go wrote.

    oracle.py gen     prints every case as JSON (one object)
    oracle.py check   reads cases from stdin, prints the failures as JSON

A value is described as JSON so the two sides can compare:
["none"] ["bool", b] ["int", "digits"] ["float", "repr"] ["str", s]
["bytes", hex] ["bytearray", hex] ["list", [..]] ["tuple", [..]]
["dict", [[k, v], ..]] ["set", [..]] ["frozenset", [..]]
["datetime", isoformat] ["date", iso] ["time", iso]
["timedelta", days, seconds, microseconds] ["decimal", str].
"""

import base64
import collections
import datetime as dt
import decimal
import json
import pickle
import sys
import zlib
import gzip

available = {}


def try_import(name):
    try:
        mod = __import__(name, fromlist=["_"])
        available[name] = True
        return mod
    except Exception as e:  # noqa
        available[name] = "%s: %s" % (type(e).__name__, e)
        return None


zoneinfo = try_import("zoneinfo")
pytz = try_import("pytz")
django = try_import("django")
if django:
    from django.conf import settings

    if not settings.configured:  # interop.py configures its own first
        settings.configure()
        django.setup()
django_redis_client = try_import("django_redis.client") if django else None
django_redis_gzip = try_import("django_redis.compressors.gzip") if django else None
django_redis_zlib = try_import("django_redis.compressors.zlib") if django else None
django_duration = try_import("django.utils.duration") if django else None
django_core_redis = try_import("django.core.cache.backends.redis") if django else None
pymemcache_serde = try_import("pymemcache.serde")
pylibmc = try_import("pylibmc")


def describe(v):
    if v is None:
        return ["none"]
    t = type(v)
    if t is bool:
        return ["bool", v]
    if t is int:
        return ["int", str(v)]
    if t is float:
        return ["float", repr(v)]
    if t is str:
        return ["str", v]
    if t is bytes:
        return ["bytes", v.hex()]
    if t is bytearray:
        return ["bytearray", v.hex()]
    if t is list:
        return ["list", [describe(x) for x in v]]
    if t is tuple:
        return ["tuple", [describe(x) for x in v]]
    if t in (dict, collections.OrderedDict):
        return ["dict", [[describe(k), describe(x)] for k, x in v.items()]]
    if t is set:
        return ["set", [describe(x) for x in v]]
    if t is frozenset:
        return ["frozenset", [describe(x) for x in v]]
    if t is dt.datetime:
        return ["datetime", v.isoformat()]
    if t is dt.date:
        return ["date", v.isoformat()]
    if t is dt.time:
        return ["time", v.isoformat()]
    if t is dt.timedelta:
        return ["timedelta", v.days, v.seconds, v.microseconds]
    if t is decimal.Decimal:
        return ["decimal", str(v)]
    raise TypeError("cannot describe %r" % (t,))


def construct(d):
    k = d[0]
    if k == "none":
        return None
    if k == "bool":
        return d[1]
    if k == "int":
        return int(d[1])
    if k == "float":
        return float(d[1])
    if k == "str":
        return d[1]
    if k == "bytes":
        return bytes.fromhex(d[1])
    if k == "bytearray":
        return bytearray.fromhex(d[1])
    if k == "list":
        return [construct(x) for x in d[1]]
    if k == "tuple":
        return tuple(construct(x) for x in d[1])
    if k == "dict":
        return {construct(a): construct(b) for a, b in d[1]}
    if k == "set":
        return {construct(x) for x in d[1]}
    if k == "frozenset":
        return frozenset(construct(x) for x in d[1])
    if k == "datetime":
        return dt.datetime.fromisoformat(d[1])
    if k == "date":
        return dt.date.fromisoformat(d[1])
    if k == "time":
        return dt.time.fromisoformat(d[1])
    if k == "timedelta":
        return dt.timedelta(d[1], d[2], d[3])
    if k == "decimal":
        return decimal.Decimal(d[1])
    raise ValueError(k)


def same(a, b, lossy=False):
    """a is what was read, b what was expected: equal, and of the same
    types all the way down. With lossy, the documented differences of a
    Go round trip are allowed: an OrderedDict reads back as a dict, and an
    aware datetime's tzinfo becomes a fixed offset."""
    ta, tb = type(a), type(b)
    if lossy and tb is collections.OrderedDict:
        tb = dict
    if ta is not tb:
        return False
    if ta is float:
        return repr(a) == repr(b)
    if ta in (list, tuple):
        return len(a) == len(b) and all(same(x, y, lossy) for x, y in zip(a, b))
    if ta is dict:
        if len(a) != len(b):
            return False
        ka = {(type(k), k) if k == k else ("nan", id(k)): k for k in a}
        for k, v in b.items():
            key = (type(k), k)
            if key not in ka:
                return False
            if not same(a[ka[key]], v, lossy):
                return False
        return True
    if ta in (set, frozenset):
        return a == b and sorted(type(x).__name__ for x in a) == sorted(type(x).__name__ for x in b)
    if ta is dt.datetime:
        if (a.tzinfo is None) != (b.tzinfo is None):
            return False
        if a.tzinfo is not None and a.utcoffset() != b.utcoffset():
            return False
        if (a.year, a.month, a.day, a.hour, a.minute, a.second, a.microsecond) != (
            b.year, b.month, b.day, b.hour, b.minute, b.second, b.microsecond):
            return False
        return lossy or type(a.tzinfo) is type(b.tzinfo)
    if ta is decimal.Decimal:
        return str(a) == str(b)
    return a == b


def values():
    """The values every reader and writer is tested with."""
    v = collections.OrderedDict()
    shared = [1, 2]
    v["none"] = None
    v["true"] = True
    v["false"] = False
    for n in (0, 1, 42, -17, 255, 256, 65535, 65536, -1, 2**31 - 1, -(2**31), 2**31,
              2**63 - 1, -(2**63), 2**63, 2**64, 2**80, -(2**80), 2**1015, 2**2048 + 1,
              -(10**4299)):
        v["int_%s" % (n if abs(n) < 10**30 else "big%d" % n.bit_length())] = n
    for f in (0.0, -0.0, 1.5, 3.0, -2.5e-300, 1e16, 1e15, 0.0001, 1e-05, 123456789.123,
              float("inf"), float("-inf"), 1 / 3, 2**53 + 0.0, 5e-324, 1.7976931348623157e308):
        v["float_%r" % f] = f
    v["float_nan"] = float("nan")
    v["str_empty"] = ""
    v["str_ascii"] = "hello"
    v["str_nonascii"] = "Zoë ünïcödé ✓ 🎉 日本"
    v["str_escapes"] = 'quote" back\\ nl\n cr\r tab\t nul\x00 del\x7f \u2028 \\u0041'
    v["str_100k"] = "x" * 100_000
    v["str_latin1"] = "caf\xe9 \xff"
    v["bytes_empty"] = b""
    v["bytes"] = b"\x00\x01\xff raw"
    v["bytes_300"] = bytes(range(256)) + b"x" * 44
    v["bytearray_empty"] = bytearray()
    v["bytearray"] = bytearray(b"\x00ab\xff")
    v["list_empty"] = []
    v["list"] = [1, "two", 3.0, None, True]
    v["list_1001"] = list(range(1001))
    v["tuple_empty"] = ()
    v["tuple1"] = (1,)
    v["tuple2"] = (1, "a")
    v["tuple3"] = (1, "a", None)
    v["tuple5"] = (1, 2, 3, 4, (5, 6))
    v["dict_empty"] = {}
    v["dict_nested"] = {"a": {"b": {"c": [1, {"d": None}]}}, "e": []}
    v["dict_int_keys"] = {1: "a", 2: "b", -3: "c"}
    v["dict_mixed_keys"] = {"a": 1, 2: "b", None: 3, 2.5: 4, True: 5}
    v["dict_tuple_keys"] = {(1, 2): "a", ("x", (None,)): "b"}
    v["dict_odd_keys"] = {b"k": 1, frozenset([1, 2]): 2, dt.date(2024, 1, 2): 3, decimal.Decimal("1.5"): 4}
    v["dict_1001"] = {"k%d" % i: i for i in range(1001)}
    v["shared_list"] = {"a": shared, "b": shared}
    v["set_empty"] = set()
    v["set"] = {1, "a", (1, 2), None}
    v["frozenset_empty"] = frozenset()
    v["frozenset"] = frozenset([1, "a", 2.5])
    v["set_of_frozensets"] = {frozenset([1]), frozenset()}
    v["datetime_naive"] = dt.datetime(2024, 1, 2, 3, 4, 5, 6)
    v["datetime_naive_min"] = dt.datetime(1, 1, 1)
    v["datetime_naive_max"] = dt.datetime(9999, 12, 31, 23, 59, 59, 999999)
    v["datetime_utc"] = dt.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)
    v["datetime_offset"] = dt.datetime(2024, 7, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    v["datetime_negoffset_named"] = dt.datetime(2024, 7, 1, 12, 0, tzinfo=dt.timezone(-dt.timedelta(hours=8), "PST"))
    if zoneinfo:
        ny = zoneinfo.ZoneInfo("America/New_York")
        v["datetime_zoneinfo"] = dt.datetime(2024, 7, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
        v["datetime_zoneinfo_fold0"] = dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny, fold=0)
        v["datetime_zoneinfo_fold1"] = dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny, fold=1)
        v["datetime_zoneinfo_gap0"] = dt.datetime(2024, 3, 10, 2, 30, tzinfo=ny, fold=0)
        v["datetime_zoneinfo_gap1"] = dt.datetime(2024, 3, 10, 2, 30, tzinfo=ny, fold=1)
    if pytz:
        v["datetime_pytz_utc"] = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=pytz.utc)
        v["datetime_pytz_paris"] = pytz.timezone("Europe/Paris").localize(dt.datetime(2024, 7, 1, 12, 0))
    v["date"] = dt.date(2024, 2, 29)
    v["time"] = dt.time(3, 4, 5, 6)
    v["time_zero"] = dt.time()
    v["timedelta"] = dt.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=5)
    v["timedelta_neg"] = dt.timedelta(days=-1, seconds=5, microseconds=7)
    v["timedelta_zero"] = dt.timedelta()
    v["timedelta_big"] = dt.timedelta(days=100_000)
    for s in ("-1.50", "0", "0.00", "1E+3", "1e-7", "123456789012345678901234567890.5", "NaN", "-Infinity", "sNaN12"):
        v["decimal_%s" % s] = decimal.Decimal(s)
    v["ordereddict"] = collections.OrderedDict([("b", 1), ("a", [2])])
    v["session"] = {"user_id": 42, "cart": [1, 2], "name": "Zoë"}
    v["django_session"] = {
        "_auth_user_id": "1",
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": "5f1d7a84e3b1c5e4f0e6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6",
        "_session_expiry": 1209600,
        "cart": [{"sku": "A-1", "qty": 2, "price": decimal.Decimal("9.99")}],
        "last_seen": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    }
    return v


class Exploit:
    """What an attacker stores: unpickling it would run a shell command."""

    def __reduce__(self):
        import os
        return (os.system, ("echo pwned > /tmp/cacheurl-pwned",))


def refused():
    """Real pickles of what the decoder refuses, and the name its error
    must give: classes outside plain data, a tzinfo or a class alone, a
    list that contains itself, an aware time."""
    import os
    out = [("exploit", Exploit(), "posix.system"), ("os.system", os.system, "posix.system"),
           ("complex", 1 + 2j, "builtins.complex"), ("range", range(3), "builtins.range"),
           ("defaultdict", collections.defaultdict(list, a=[1]), "collections.defaultdict"),
           ("class", dt.datetime, "datetime.datetime"), ("tzinfo", dt.timezone.utc, "tzinfo"),
           ("ellipsis", ..., "builtins.Ellipsis"),
           ("aware_time", dt.time(1, 2, tzinfo=dt.timezone.utc), "datetime.time with a tzinfo")]
    rec = []
    rec.append(rec)
    out.append(("recursive_list", rec, "contains itself"))
    rd = {}
    rd["self"] = rd
    out.append(("recursive_dict", rd, "contains itself"))
    import uuid
    out.append(("uuid", uuid.UUID(int=1), "uuid.UUID"))
    if django:
        from django.utils.datastructures import MultiValueDict
        from django.utils.functional import lazy
        out.append(("django_multivaluedict", MultiValueDict({"a": [1]}), "django.utils.datastructures.MultiValueDict"))
        out.append(("django_lazy", lazy(str, str)(5), "django.utils.functional._lazy_proxy_unpickle"))
        out.append(("in_a_session", {"user_id": 1, "bad": MultiValueDict({"a": [1]})}, "MultiValueDict"))
    cases = []
    for name, v, cls in out:
        for p in range(6):
            try:
                data = pickle.dumps(v, p)
            except Exception:  # noqa: some objects need protocol 2
                continue
            cases.append({"name": name, "proto": p, "hex": data.hex(), "class": cls})
    return cases


JSON_NATIVE_SKIP = ("float_nan", "float_inf", "float_-inf")


def sort_str_keys(x):
    """x with the keys of its str-keyed dicts sorted (what Go's map gives)."""
    t = type(x)
    if t in (dict, collections.OrderedDict):
        if all(type(k) is str for k in x):
            return {k: sort_str_keys(x[k]) for k in sorted(x)}
        return {k: sort_str_keys(y) for k, y in x.items()}
    if t in (list, tuple):
        return [sort_str_keys(y) for y in x]
    return x


def render_json(v):
    """package django's documented JSON rendering, in Python's own terms."""

    def norm(x):
        t = type(x)
        if t in (dict, collections.OrderedDict):
            if all(type(k) is str for k in x):
                return {k: norm(x[k]) for k in sorted(x)}
            if all(type(k) in (str, int, float, bool) or k is None for k in x):
                return {k: norm(y) for k, y in x.items()}
            return [[norm(k), norm(y)] for k, y in x.items()]
        if t in (list, tuple, set, frozenset):
            return [norm(y) for y in x]
        if t in (bytes, bytearray):
            return base64.b64encode(x).decode()
        if t in (dt.datetime, dt.date, dt.time):
            return x.isoformat()
        if t is dt.timedelta:
            return django_duration.duration_iso_string(x)
        if t is decimal.Decimal:
            return str(x)
        return x

    return json.dumps(norm(v), ensure_ascii=False, separators=(",", ":"))


JSON_TEXTS = [
    "null", "true", "false", "0", "-0", "42", "-17", "1208925819614629174706176",
    "-" + "9" * 4300, "3.0", "3.5", "1e5", "1E-7", "-0.0", "1e400", "2.5e-310",
    '""', '"Zoë"', '"\\u00e9\\n\\ud83c\\udf89"', "[]", "{}", '[1, "a", [2.0, {}]]',
    '{"user_id": 42, "cart": [1, 2], "name": "Zo\\u00eb"}', '{"a": 1, "a": 2}',
    ' {"nested": {"deep": [[[[true]]]]}} ',
]


def redis_clients():
    """django-redis's client, without and with its compressors (made
    without a server: encode and decode do not connect)."""
    out = {}
    for name, comp in (("django-redis", None), ("django-redis-zlib", django_redis_zlib and "zlib.ZlibCompressor"),
                       ("django-redis-gzip", django_redis_gzip and "gzip.GzipCompressor")):
        if name != "django-redis" and not comp:
            continue
        opts = {"COMPRESSOR": "django_redis.compressors." + comp} if comp else {}
        out[name] = django_redis_client.DefaultClient("redis://127.0.0.1:1", {"OPTIONS": opts}, None)
    return out


def readers():
    """Each convention's reader: bytes and flags to the value Django gets."""
    r = {"pickle": lambda b, f: pickle.loads(b),
         # django-redis 5.3's GzipCompressor is gzip.compress of the pickle
         "python-gzip": lambda b, f: pickle.loads(gzip.decompress(b))}
    if django_redis_client:
        for name, client in redis_clients().items():
            r[name] = (lambda c: lambda b, f: c.decode(b))(client)
    if django_core_redis:
        s = django_core_redis.RedisSerializer()
        r["django"] = lambda b, f: s.loads(b)
    if pymemcache_serde:
        r["pymemcache"] = lambda b, f: pymemcache_serde.pickle_serde.deserialize("k", b, f)
    if pylibmc:
        c2 = pylibmc.Client(["127.0.0.1:1"])
        r["pylibmc"] = lambda b, f: c2.deserialize(b, f)
    return r


def writers():
    """Each convention's writer: a value to bytes and flags."""
    w = {}
    for p in range(6):
        w["pickle%d" % p] = (lambda p: lambda v: (pickle.dumps(v, p), 0))(p)
    w["python-gzip"] = lambda v: (gzip.compress(pickle.dumps(v, 4)), 0)
    if django_redis_client:
        for name, client in redis_clients().items():
            w[name] = (lambda c: lambda v: (c.encode(v), 0))(client)
    if django_core_redis:
        s = django_core_redis.RedisSerializer()
        w["django"] = lambda v: (s.dumps(v), 0)
    if pymemcache_serde:
        w["pymemcache"] = lambda v: pymemcache_serde.pickle_serde.serialize("k", v)
    if pylibmc:
        c2 = pylibmc.Client(["127.0.0.1:1"])
        w["pylibmc"] = lambda v: c2.serialize(v)

        def zipped(v):
            b, f = c2.serialize(v)
            return zlib.compress(b), f | 8

        w["pylibmc-zlib"] = zipped
    return w


# The reader that reads each writer's output.
READER_OF = {"pylibmc-zlib": "pylibmc"}


def gen():
    vals = values()
    rd = readers()
    cases = []
    for wname, write in writers().items():
        rname = READER_OF.get(wname, wname if wname in rd else "pickle")
        for name, v in vals.items():
            if wname == "pylibmc-zlib" and not name.startswith(("str_100k", "session", "int_42", "bytes")):
                continue
            data, flags = write(v)
            if isinstance(data, str):
                data = data.encode()
            elif isinstance(data, int):
                data = str(data).encode()
            if rname == "pylibmc" and wname == "pylibmc-zlib":
                back = rd["pylibmc"](zlib.decompress(data), flags & ~8)
            else:
                back = rd[rname](data, flags)
            cases.append({"writer": wname, "name": name, "hex": data.hex(), "flags": flags,
                          "desc": describe(back)})
    jsons = []
    for name, v in vals.items():
        try:
            doc = render_json(v) if django_duration else None
        except (TypeError, ValueError):
            doc = None
        native = None
        if name not in JSON_NATIVE_SKIP:
            try:
                native = json.dumps(sort_str_keys(v), ensure_ascii=False, separators=(",", ":"))
            except TypeError:
                native = None
        jsons.append({"name": name, "doc": doc, "dumps": native})
    loads = [{"text": t, "desc": describe(json.loads(t))} for t in JSON_TEXTS]
    json.dump({"available": available, "cases": cases, "json": jsons, "loads": loads,
               "readers": sorted(rd), "refused": refused()}, sys.stdout)


def check():
    """Each case: bytes Go wrote for a reader, and what the value must be:
    "name" (the Python value of that name, lossy differences allowed),
    "desc" (a described value) or "json" (json.loads of the text)."""
    cases = json.load(sys.stdin)
    vals = values()
    rd = readers()
    failures = []
    for c in cases:
        try:
            got = rd[c["reader"]](bytes.fromhex(c["hex"]), c["flags"])
            if "name" in c:
                want, lossy = vals[c["name"]], True
            elif "json" in c:
                want, lossy = json.loads(c["json"]), False
            else:
                want, lossy = construct(c["desc"]), False
            if c["reader"] == "pylibmc" and type(want) is bool:
                want = int(want)  # pylibmc stores a bool as an int (flags 2)
            if c.get("float_nan") and got != got:
                continue
            if not same(got, want, lossy):
                failures.append({"case": c.get("label", ""), "got": repr(got)[:300], "want": repr(want)[:300]})
        except Exception as e:  # noqa
            failures.append({"case": c.get("label", ""), "error": "%s: %s" % (type(e).__name__, e)})
    json.dump({"failures": failures, "checked": len(cases)}, sys.stdout)


if __name__ == "__main__":
    {"gen": gen, "check": check}[sys.argv[1]]()
