"""The Python side of package django's interop test: a Django service on
the real redis-server or memcached the Go test started, configured from
the project's own Django view of the same CACHE_URL (core.Config.Django).

    interop.py write   Django writes values and sessions; prints what it
                       wrote and the JSON each must read as
    interop.py read    Django reads what Go wrote and increments counters;
                       prints the results

The request is one JSON object on standard input: {"caches": <the CACHES
entry>, "dir": <a temporary directory>, ...}. Values are compared with
oracle.py's same(): equal and of the same types all the way down.
"""

import collections
import datetime as dt
import decimal
import json
import os
import pickle
import shlex
import sys


def configure(req):
    from django.conf import settings

    settings.configure(
        CACHES={"default": req["caches"]},
        INSTALLED_APPS=["django.contrib.sessions"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                               "NAME": os.path.join(req["dir"], "sessions.sqlite3")}},
        SECRET_KEY="interop-test",
        USE_TZ=True,
    )
    import django

    django.setup()


class Exploit:
    """What an attacker stores: unpickling it runs a shell command that
    creates the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch " + shlex.quote(self.marker),))


SESSION = {"user_id": 42, "cart": [1, 2], "name": "Zoë"}


def written():
    """The values Django writes, by name."""
    v = collections.OrderedDict()
    v["str_nonascii"] = "Zoë ünïcödé ✓ 🎉 日本"
    v["str_empty"] = ""
    v["str_100k"] = "é" * 50_000
    v["str_terminal"] = "\x1b[2J\x1b]0;title\x07\u009b31m\u202egnp.exe"
    v["int_42"] = 42
    v["int_2**80"] = 2**80
    v["int_neg"] = -17
    v["float"] = 1.5
    v["float_whole"] = 3.0
    v["true"] = True
    v["false"] = False
    v["none"] = None
    v["list"] = [1, "two", 3.0, None, True]
    v["tuple"] = (1, "a", (2, 3))
    v["dict_nested"] = {"a": {"b": {"c": [1, {"d": None}]}}, "e": [], "f": {"g": 2**80}}
    v["dict_empty"] = {}
    v["datetime_aware"] = dt.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)
    v["datetime_naive"] = dt.datetime(2024, 1, 2, 3, 4, 5)
    v["decimal"] = decimal.Decimal("9.90")
    v["set"] = {1, 2, 3}
    v["bytes"] = b"\x00\x01\xffraw"
    v["ordereddict"] = collections.OrderedDict([("b", 1), ("a", [2])])
    return v


def write(req):
    from django.core.cache import cache
    from django.core.management import call_command
    from django.contrib.sessions.backends.cache import SessionStore as CacheStore
    from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
    import oracle

    out = {"cases": [], "sessions": {}}
    for name, v in written().items():
        key = "w:" + name
        cache.set(key, v)
        back = cache.get(key)  # what Django itself reads: the oracle
        out["cases"].append({"name": name, "key": key, "json": oracle.render_json(back),
                             "type": type(back).__name__})
    # A pickle whose loading would run a command. Pickling it runs nothing;
    # loading the same bytes here proves that the payload is live (it
    # creates the control file), so that the marker's absence after Go
    # read it means something.
    cache.set("w:exploit", Exploit(req["marker"]))
    pickle.loads(pickle.dumps(Exploit(req["control"])))
    out["exploit"] = "w:exploit"

    call_command("migrate", "sessions", verbosity=0, interactive=False)
    for engine, store in (("cache", CacheStore), ("cached_db", CachedDBStore)):
        s = store()
        s.update(SESSION)
        s.save()
        # Django reads it back as the Go test will.
        assert dict(store(s.session_key).load()) == SESSION, engine
        out["sessions"][engine] = {"session_key": s.session_key, "cache_key": s.cache_key}
    json.dump(out, sys.stdout)


def read(req):
    from django.core.cache import cache
    import oracle

    ns = {"dt": dt, "Decimal": decimal.Decimal, "OrderedDict": collections.OrderedDict,
          "frozenset": frozenset, "set": set, "bytearray": bytearray}
    results = []
    for c in req["cases"]:
        r = {"key": c["key"]}
        try:
            got = cache.get(c["key"], "<missing>")
            want = json.loads(c["json"]) if "json" in c else eval(c["py"], {"__builtins__": {}}, ns)
            if req.get("pylibmc") and type(want) is bool:
                want = int(want)  # pylibmc's flags 2: a bool reads back as an int, in Django too
            r["ok"] = oracle.same(got, want)
            r["got"] = repr(got)[:200]
            r["type"] = type(got).__name__
            r["want"] = repr(want)[:200]
            if c.get("incr"):
                r["incr"] = cache.incr(c["key"])
        except Exception as e:  # noqa
            r["ok"] = False
            r["error"] = "%s: %s" % (type(e).__name__, e)
        results.append(r)
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    request = json.load(sys.stdin)
    try:
        import django  # noqa: F401
        import django_redis  # noqa: F401
        import pymemcache  # noqa: F401
        import pylibmc  # noqa: F401
    except ImportError as e:
        json.dump({"missing": str(e)}, sys.stdout)
        sys.exit(0)
    configure(request)
    {"write": write, "read": read}[sys.argv[1]](request)
