#!/usr/bin/env python3
"""golden.py OLD_ACTIVD NEW_ACTIVD - the same requests to two daemons, diffed.

Starts each binary (three times: default limits, small limits, CORS '*'),
sends one corpus of raw HTTP/1.1 requests to both and compares, byte for
byte, the status line, the headers (without Date; Content-Length and values
of /metrics are masked, being timing-dependent) and the body, and the access
log lines (json, with ts and ms masked). Exit status 0 when nothing differs,
1 with the first lines of every difference otherwise.

A refactoring that must not change behaviour runs this between the binary
before and after it:

    tools/golden.py /tmp/activd-before build/activd

The corpus: every README and docs/api.md example, every problem type, the
JSON, query and binary forms, float32, ranges, grad_output, order 2, softmax rows,
big arrays (65,536 and 1,000,000 elements: the sliced parser, the parts
printer, the body's spare room, the early binary path), chunked bodies,
HEAD/OPTIONS/405/404/413/415/503, CORS, /plot, /activations, /openapi.json,
/metrics.
"""
import hashlib
import json
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

# ---- the corpus -----------------------------------------------------------------

J = {"Content-Type": "application/json"}
BIN = {"Content-Type": "application/octet-stream"}


def js(o):
    return json.dumps(o, separators=(",", ":")).encode()


def arr(n, seed, lo=-10.0, hi=10.0):
    rng = random.Random(seed)
    return [rng.uniform(lo, hi) for _ in range(n)]


def f64(xs):
    return struct.pack("<%dd" % len(xs), *xs)


def f32(xs):
    return struct.pack("<%df" % len(xs), *xs)


def post(path, body, headers=J, **kw):
    return dict(method="POST", path=path, body=body, headers=headers, **kw)


def get(path, headers=None, **kw):
    return dict(method="GET", path=path, body=None, headers=headers or {}, **kw)


def req(method, path, body=None, headers=None, **kw):
    return dict(method=method, path=path, body=body, headers=headers or {}, **kw)


def examples():
    """README.md and docs/api.md, as written there."""
    yield post("/eval", b'{"activation":"sigmoid","x":[-800,-1,0,1,40]}')
    yield post("/grad", b'{"activation":"tanh","x":[[0,20],[-20,1e-300]]}')
    yield post("/eval", b'{"activation":"LeakyReLU","x":[-2,3],"params":{"negative_slope":0.2}}')
    yield post("/eval", b'{"activation":"sigmoid","range":{"start":-10,"stop":10,"step":0.025}}')
    yield post("/grad", b'{"activation":"softmax","x":[[1,2,3]],"grad_output":[[1,0,0]]}')
    yield post("/eval", b'{"activation":"gelu","x":[0.1,1],"dtype":"float32"}')
    yield get("/eval?activation=relu&x=-1,0,2")
    yield get("/grad?activation=elu&x=-1e-10,0,1&alpha=1.5")
    yield post("/eval?activation=sigmoid", f64([-1, 0, 1]), BIN)
    yield get("/healthz")
    yield get("/readyz")
    yield get("/version")
    yield post("/eval", b'{"activation":"sigmoyd","x":[1]}')
    yield post("/eval", b'{"activation":"softplus","x":[1],"params":{"beta":0}}')
    yield get("/activations")
    yield get("/activations/LeakyReLU")
    yield get("/activations/sigmiod")
    yield get("/plot?activation=sigmoid&what=both")
    yield get("/plot?activation=leaky_relu&negative_slope=0.2&what=grad&start=-3&stop=3&num=200")
    yield get("/plot?activation=sigmoid&num=1")
    yield get("/openapi.json")
    # docs/api.md
    yield post("/eval", b'{"activation": "leaky_relu", "x": [[-2, 0.5], [3, -1]], '
               b'"params": {"negative_slope": 0.2}}')
    yield post("/eval", b'{"activation":"sigmoid","x":[-1,0,1]}')
    yield post("/grad", b'{"activation":"tanh","x":[[0,20]]}')
    yield post("/eval", b'{"activation":"gelu","x":1,"params":{"approximate":"tanh"}}')
    yield post("/eval", b'{"activation":"relu","x":[0.1,-2],"dtype":"float32"}')
    yield get("/eval?activation=leaky_relu&x=-1,0,2&negative_slope=0.2")
    yield get("/grad?activation=sigmoid&start=-10&stop=10&step=0.025")
    yield get("/eval?activation=gelu&approximate=tanh&x=1&dtype=float32")
    yield get("/grad?activation=softmax&x=1,2,3&grad_output=1,0,0")


def forms():
    """Every form and option on small inputs."""
    for a in ["sigmoid", "tanh", "relu", "gelu", "silu", "mish", "softplus", "elu", "selu",
              "hardtanh", "softmax", "log_softmax", "prelu", "threshold", "identity"]:
        body = {"activation": a, "x": [[-3, -0.5, 0, 0.5, 3], [1e-300, -1e300, 709, -745, 1]]}
        if a == "threshold":
            body["params"] = {"threshold": 0.5, "value": -1}
        yield post("/eval", js(body))
        g = dict(body, grad_output=[[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]])
        yield post("/grad", js(g))
        yield post("/eval", js(dict(body, dtype="float32")))
        yield post("/grad", js(dict(g, dtype="float32")))
        yield post("/grad", js(dict(body, order=2)))  # softmax: a 422 on /order
        yield post("/grad", js(dict(g, order=2, dtype="float32")))
    yield post("/eval", b'{"activation":"relu","x":["NaN","Infinity","-Infinity",-0,0]}')
    yield post("/eval", b'{"activation":"relu","x":5}')
    yield post("/eval", b'{"activation":"relu","x":[]}')
    yield post("/eval", b'{"activation":"relu","x":[[],[]]}')
    yield post("/eval", b'{"activation":"relu","x":[[[]]]}')
    yield post("/eval", b'{"activation":"softmax","x":[[1,2],[3,4],[5,6]]}')
    yield post("/eval", b'{"activation":"softmax","x":7}')
    yield post("/eval", b' {"x":[1,2],"activation":"sigmoid"} \n')
    yield post("/eval", b'{"activation":"sigmoid","x":[1,2]}', {"Content-Type": "application/json; charset=utf-8"})
    yield post("/eval", b'{"activation":"sigmoid","x":[1,2]}', {})
    yield post("/eval", b'{"activation":"sigmoid","range":{"start":-1,"stop":1,"num":5}}')
    yield post("/eval", b'{"activation":"sigmoid","range":{"start":0,"stop":1,"num":1}}')
    yield post("/eval", b'{"activation":"sigmoid","range":{"start":0,"stop":1,"num":0}}')
    yield post("/eval", b'{"activation":"sigmoid","range":{"start":1,"stop":0,"step":0.5}}')
    yield post("/grad", b'{"activation":"sigmoid","range":{"start":-2,"stop":2,"step":0.5},"dtype":"float32"}')
    yield get("/eval?activation=sigmoid&start=-1&stop=1&num=5")
    yield get("/eval?activation=sigmoid&x=1,2&dtype=float32")
    yield get("/eval?activation=hardtanh&x=-2,0,2&min_val=-0.5&max_val=0.5")
    yield get("/eval?activation=relu&x=")
    yield get("/eval?activation=relu&x=NaN,Infinity,-Infinity")
    yield req("HEAD", "/eval?activation=relu&x=1,2")
    # binary
    yield post("/grad?activation=tanh", f64([-1, 0, 1]), BIN)
    yield post("/eval?activation=sigmoid&dtype=float32", f32([-1, 0, 1, 2]), BIN)
    yield post("/eval?activation=softmax&shape=2,3", f64([1, 2, 3, 4, 5, 6]), BIN)
    yield post("/grad?activation=softmax&shape=2,3&grad_output=true", f64([1, 2, 3, 4, 5, 6] * 2), BIN)
    yield post("/grad?activation=relu&grad_output=false", f64([1, -1]), BIN)
    yield post("/grad?activation=gelu&grad_output=true&dtype=float32", f32([1, -1, 2, 2]), BIN)
    yield post("/grad?activation=gelu&order=2", f64([-1, 0, 1]), BIN)
    yield post("/grad?activation=mish&order=2&grad_output=true&dtype=float32", f32([1, -1, 2, 2]), BIN)
    yield get("/grad?activation=softplus&x=-1,0,1.5&beta=2&threshold=3&order=2")
    yield post("/grad", b'{"activation":"tanh","x":[1],"order":1}')
    yield post("/eval?activation=relu", b"", BIN)
    yield post("/eval?activation=relu", f64([1]), {"Content-Type": "Application/Octet-Stream; x=y"})


def problems():
    """Every problem type, and the fields each names."""
    p = "/eval"
    for body in [b"", b"{", b"[1]", b"1", b'"x"', b"null", b'{"activation":"relu","x":[1,]}',
                 b'{"activation":"relu","x":[01]}', b'{"activation":"relu","x":[NaN]}',
                 b'{"activation":"relu","x":[1e400]}', b'{"activation":"relu","x":[1]} x',
                 b'{"activation":"relu","activation":"relu","x":[1]}',
                 b'{"activation":"relu","x":[1],"q":1,"q":2}',
                 b'{"activation":"relu","x":[1],"params":{"a":1,"a":2}}',
                 b'{"activation":"relu","x":[1\x00]}', b'{"activation":"\xff","x":[1]}',
                 b'{"activation":"relu","x":[1],\n  "dtype": "float32",\n  "oops" }',
                 b'[' * 3000 + b']' * 3000]:
        yield post(p, body)
    for body in [b'{"x":[1]}', b'{"activation":"relu"}', b'{"activation":1,"x":[1]}',
                 b'{"activation":"relu","x":[1,true]}', b'{"activation":"relu","x":[[1,2],[3]]}',
                 b'{"activation":"relu","x":[[1],2]}', b'{"activation":"relu","x":' + b"[" * 33 + b"1" + b"]" * 33 + b"}",
                 b'{"activation":"relu","x":[1],"dtype":"float16"}', b'{"activation":"relu","x":[1],"dtype":1}',
                 b'{"activation":"relu","x":[1e39],"dtype":"float32"}',
                 b'{"activation":"relu","x":[[1,2],[3,1e39]],"dtype":"float32"}',
                 b'{"activation":"relu","x":[1],"range":{"start":0,"stop":1,"step":1}}',
                 b'{"activation":"relu","x":[1],"grad_output":[1]}',
                 b'{"activation":"relu","x":[1],"bogus":2}', b'{"activation":"relu","x":[1],"params":[]}',
                 b'{"activation":"relu","x":[1],"params":{"alpha":1}}',
                 b'{"activation":"elu","x":[1],"params":{"alpha":"big"}}',
                 b'{"activation":"elu","x":[1],"params":{"alpha":null}}',
                 b'{"activation":"gelu","x":[1],"params":{"approximate":1}}',
                 b'{"activation":"gelu","x":[1],"params":{"approximate":"fast"}}',
                 b'{"activation":"hardtanh","x":[1],"params":{"min_val":1,"max_val":0}}',
                 b'{"activation":"threshold","x":[1]}',
                 b'{"activation":"softplus","x":[1],"params":{"beta":-1}}',
                 b'{"activation":"relu","range":{"start":0,"stop":1}}',
                 b'{"activation":"relu","range":{"start":0,"stop":1,"step":0}}',
                 b'{"activation":"relu","range":{"start":0,"stop":1,"step":1,"num":2}}',
                 b'{"activation":"relu","range":{"start":0,"stop":1,"num":1.5}}',
                 b'{"activation":"relu","range":{"start":0,"stop":1,"num":-1}}',
                 b'{"activation":"relu","range":{"start":0,"stop":1,"step":"a"}}',
                 b'{"activation":"relu","range":{"stop":1,"step":1}}',
                 b'{"activation":"relu","range":{"start":0,"stop":1,"step":1,"nope":1}}',
                 b'{"activation":"relu","range":{"start":0,"stop":1e300,"step":1e-300}}',
                 b'{"activation":"relu","range":{"start":0,"stop":1,"num":1e300}}',
                 b'{"activation":"relu","range":[0,1]}']:
        yield post(p, body)
    for body in [b'{"activation":"relu","x":[1],"order":3}', b'{"activation":"relu","x":[1],"order":"2"}',
                 b'{"activation":"relu","x":[1],"order":null}', b'{"activation":"relu","x":[1],"order":1.5}',
                 b'{"activation":"softmax","x":[1,2],"grad_output":[1,0],"order":2}']:
        yield post("/grad", body)
    yield post("/eval", b'{"activation":"relu","x":[1],"order":2}')
    for body in [b'{"activation":"softmax","x":[1,2]}', b'{"activation":"relu","x":[1,2],"grad_output":[1]}',
                 b'{"activation":"relu","x":[[1,2]],"grad_output":[1,2]}',
                 b'{"activation":"relu","x":[1],"grad_output":[1e39],"dtype":"float32"}']:
        yield post("/grad", body)
    q = ["activation=relu", "x=1,2", "activation=relu&x=1,a", "activation=relu&x=1&x=2",
         "activation=nope&x=1", "activation=relu&x=1&start=0&stop=1&step=1",
         "activation=relu&start=0&stop=1", "activation=relu&start=a&stop=1&step=1",
         "activation=relu&x=1&dtype=f", "activation=relu&x=1&grad_output=1",
         "activation=elu&x=1&alpha=x", "activation=elu&x=1&alpha=-1e400",
         "activation=gelu&x=1&approximate=1", "activation=relu&x=1e39&dtype=float32",
         "activation=relu&x=%201", "activation=relu&x=0x10", "activation&x=1",
         "&".join("k%d=1" % i for i in range(70)),
         "activation=relu&x=1&" + "&".join("p%d=1" % i for i in range(20))]
    for s in q:
        yield get("/eval?" + s)
    yield post("/grad", b'{"activation":"relu","x":[1],"bogus":2}')
    yield post("/grad", b'{"activation":"relu","x":[1],"range":{"start":0,"stop":1,"step":1}}')
    yield get("/eval?activation=relu&x=1&shape=2")
    yield get("/eval?activation=relu&x=1&params=2")
    yield post("/eval?activation=relu&start=1&x=2", f64([1]), BIN)
    yield get("/grad?activation=softmax&x=1,2")
    yield get("/grad?activation=relu&x=1,2&grad_output=1")
    for s in ["", "activation=nope", "activation=relu&shape=a", "activation=relu&shape=2,",
              "activation=relu&shape=3", "activation=relu&shape=3,12297829382473034411",
              "activation=relu&x=1", "activation=relu&dtype=float32&grad_output=maybe",
              "activation=relu&start=1"]:
        yield post("/eval?" + s, f64([1, 2]), BIN)
    yield post("/eval?activation=relu", b"1234567", BIN)
    yield post("/grad?activation=relu&grad_output=true", f64([1, 2, 3]), BIN)
    yield post("/eval", b"x=1", {"Content-Type": "application/x-www-form-urlencoded"})
    yield post("/eval", b"x=1", {"Content-Type": "text/plain" + "x" * 100})
    yield get("/nowhere")
    yield get("/activations/")
    yield get("/static/nope.js")
    yield get("/static/../etc/passwd")
    yield get("/static/.hidden")
    yield req("PUT", "/eval", b"{}", J)
    yield req("DELETE", "/healthz")
    yield post("/healthz", b"{}")
    yield post("/activations/relu", b"{}")
    yield req("PATCH", "/nowhere")
    yield req("GET", "/eval", b"", headers={"Content-Length": "100000000000"})
    for t in ["malformed-json", "malformed-query", "not-found", "method-not-allowed", "too-large",
              "unsupported-media-type", "unknown-activation", "missing-field", "unknown-field",
              "wrong-type", "invalid-value", "not-rectangular", "invalid-parameter",
              "shape-mismatch", "conflicting-fields", "unavailable", "internal", "nope", ""]:
        yield get("/problems/" + t)
    for s in ["", "activation=softmax", "activation=relu&what=all", "activation=relu&num=2.5",
              "activation=relu&num=20000", "activation=relu&start=a", "activation=relu&start=1&stop=0",
              "activation=relu&start=1e13", "activation=relu&start=1&stop=1.0000000000001",
              "activation=relu&format=png", "activation=relu&x=1", "activation=relu&step=1",
              "activation=relu&dtype=float32", "activation=relu&shape=1",
              "activation=relu&grad_output=1", "activation=relu&params=1", "activation=relu&what=x&what=y",
              "activation=hardtanh&min_val=2", "activation=gelu&approximate=tanh&what=both&start=-1e12&stop=1e12"]:
        yield get("/plot?" + s)
    yield get("/plot?" + "&".join("k%d=1" % i for i in range(70)))
    yield get("/plot?activation=relu&what")
    yield get("/plot?activation=relu&start")


def misc():
    """Methods, headers, assets, catalogue, metrics."""
    for path in ["/eval", "/grad", "/healthz", "/readyz", "/version", "/problems/x", "/activations",
                 "/activations/relu", "/plot", "/metrics", "/openapi.json", "/", "/static/app.js",
                 "/nowhere"]:
        yield req("OPTIONS", path)
        yield req("HEAD", path, metrics=path == "/metrics")
    yield req("OPTIONS", "/eval", headers={"Origin": "https://app.example",
                                           "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type, x-request-id"})
    yield req("OPTIONS", "/eval", headers={"Origin": "https://app.example",
                                           "Access-Control-Request-Headers": "bad\"header"})
    yield post("/eval", b'{"activation":"relu","x":[1]}', dict(J, Origin="https://app.example"))
    yield post("/eval", b'{"activation":"nope","x":[1]}', dict(J, Origin="https://app.example"))
    yield get("/healthz", {"Origin": "https://other.example"})
    yield get("/healthz", {"X-Request-ID": "client.id:1-2_3"}, own_id=True)
    yield get("/healthz", {"X-Request-ID": "bad id"}, own_id=True)
    yield get("/nowhere", {"X-Request-ID": "x" * 65}, own_id=True)
    yield get("/healthz", own_id=True)
    for name in ["index.html", "app.js", "style.css", "favicon.svg"]:
        yield get("/static/" + name)
    yield get("/")
    for a in ["relu", "gelu", "GELU", "leaky-relu", "softmax", "hardtanh", "x" * 100]:
        yield get("/activations/" + a)
    for a in ["sigmoid", "tanh", "relu", "gelu", "elu", "hardtanh", "threshold&threshold=0.5&value=2"]:
        for w in ["value", "grad", "both"]:
            yield get("/plot?activation=%s&what=%s&num=50&start=-4&stop=4" % (a, w))
    yield get("/plot?activation=softplus&beta=1e-3&start=-1e12&stop=1e12&num=3")
    yield get("/plot?activation=sigmoid&start=-1e-100&stop=1e-100")
    yield get("/version")
    yield req("HEAD", "/openapi.json")
    yield get("/metrics", metrics=True)


def chunked():
    small = b'{"activation":"sigmoid","x":[1,2,3]}'
    yield post("/eval", small, J, chunks=[small[:5], small[5:]])
    yield post("/eval?activation=relu", f64([1, -2, 3]), BIN, chunks=[f64([1]), f64([-2, 3])])
    big = js({"activation": "tanh", "x": arr(200000, 7)})
    yield post("/eval", big, J, chunks=[big[i:i + 60000] for i in range(0, len(big), 60000)])


def big():
    """The big-array paths."""
    x65 = arr(65536, 1)
    yield post("/eval", js({"activation": "sigmoid", "x": x65}))
    yield post("/grad", js({"activation": "gelu", "x": x65, "grad_output": arr(65536, 2)}))
    yield post("/grad", js({"activation": "gelu", "x": x65, "order": 2}))
    yield post("/grad", js({"activation": "silu", "x": x65, "order": 2, "dtype": "float32"}))
    yield post("/eval", js({"activation": "softmax", "x": [x65[i:i + 256] for i in range(0, 65536, 256)]}))
    yield post("/grad", js({"activation": "log_softmax", "x": [x65[i:i + 512] for i in range(0, 65536, 512)],
                            "grad_output": [x65[i:i + 512] for i in range(0, 65536, 512)]}))
    yield post("/eval", js({"activation": "sigmoid", "x": x65, "dtype": "float32"}))
    yield post("/eval", js({"activation": "relu", "range": {"start": -1, "stop": 1, "num": 70000}}))
    yield get("/eval?activation=tanh&x=" + ",".join(repr(v) for v in x65[:1000]))
    x1m = arr(1000000, 3)
    bulk = js({"activation": "sigmoid", "x": x1m})
    yield post("/eval", bulk)
    yield post("/eval", bulk.replace(b"sigmoid", b"silu"))
    yield post("/grad", js({"activation": "tanh", "x": x1m, "grad_output": arr(1000000, 4)}))
    yield post("/eval", js({"activation": "sigmoid", "x": x1m, "dtype": "float32"}))
    yield post("/eval", js({"activation": "softmax", "x": [x1m[i:i + 1000] for i in range(0, 1000000, 1000)]}))
    yield post("/eval", js({"activation": "gelu", "range": {"start": -10, "stop": 10, "num": 1000000}}))
    yield post("/grad", js({"activation": "gelu", "range": {"start": -10, "stop": 10, "step": 0.00002}}))
    yield post("/eval", bulk[:-2] + b",true]}")
    yield post("/eval", bulk[:-2] + b",[1]]}")
    yield post("/eval", bulk[:len(bulk) // 2])
    yield post("/eval?activation=sigmoid", f64(x1m), BIN)
    yield post("/eval?activation=sigmoid&dtype=float32", f32(x1m), BIN)
    yield post("/grad?activation=tanh", f64(x1m), BIN)
    yield post("/grad?activation=tanh&grad_output=true", f64(x1m + x1m), BIN)
    yield post("/grad?activation=tanh&order=2", f64(x1m), BIN)
    yield post("/eval?activation=softmax&shape=1000,1000", f64(x1m), BIN)
    yield post("/eval?activation=nope", f64(x1m), BIN)


def limits():
    """Run against --max-body 4096 --max-elements 1000 --max-buffer 8192."""
    yield post("/eval", js({"activation": "relu", "x": arr(1001, 5)}))
    yield post("/eval", js({"activation": "relu", "x": [1.5] * 1001}))
    yield post("/eval", js({"activation": "relu", "x": [1] * 1001}) + b"garbage")
    yield post("/eval", js({"activation": "relu", "x": [1] * 1000}))
    yield post("/grad", js({"activation": "relu", "x": [1] * 10, "grad_output": [1] * 1001}))
    yield post("/eval", js({"activation": "relu", "range": {"start": 0, "stop": 1001, "step": 1}}))
    yield post("/eval", js({"activation": "relu", "range": {"start": 0, "stop": 1, "num": 1001}}))
    yield get("/eval?activation=relu&x=" + ",".join(["1"] * 1001))
    yield post("/eval?activation=relu", f64([1] * 1001), BIN)
    yield post("/eval", b" " * 5000)
    yield post("/eval", b" " * 4096)
    yield post("/eval", b'{"activation":"relu","x":[1]}' + b" " * 5000, chunks=[b" " * 2000] * 3)
    yield post("/eval?activation=relu", f64([1] * 500), dict(BIN, Expect="100-continue"))
    yield post("/eval", b'{"activation":"relu","x":[1]}', J, extra_cl="5000")
    yield get("/metrics", metrics=True)


def buffer():
    """Run against --max-buffer 64: bodies held at once."""
    yield post("/eval", js({"activation": "relu", "x": [1] * 50}))
    yield post("/eval", b'{"activation":"relu","x":[1]}')
    yield post("/eval", b'{"activation":"relu","x":[1,2]}', chunks=[b'{"activation":"relu",', b'"x":[1,2]}'])
    yield post("/eval", js({"activation": "relu", "x": [1] * 50}), chunks=[b"{" * 40, b"}" * 40])


def cors_star():
    yield get("/healthz", {"Origin": "https://any.example"})
    yield req("OPTIONS", "/plot", headers={"Origin": "null"})
    yield post("/eval", b'{"activation":"relu","x":[1]}', dict(J, Origin="https://x"))


# ---- sending ----------------------------------------------------------------------


def raw_request(r, n):
    lines = ["%s %s HTTP/1.1" % (r["method"], r["path"]), "Host: 127.0.0.1", "Connection: close"]
    if not r.get("own_id"):
        lines.append("X-Request-ID: golden-%d" % n)
    for k, v in r["headers"].items():
        lines.append("%s: %s" % (k, v))
    body = r["body"]
    chunks = r.get("chunks")
    if chunks is not None:
        lines.append("Transfer-Encoding: chunked")
    elif r.get("extra_cl"):
        lines.append("Content-Length: %s" % r["extra_cl"])
    elif body is not None and "Content-Length" not in r["headers"]:
        lines.append("Content-Length: %d" % len(body))
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    if chunks is not None:
        data = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    else:
        data = body or b""
    return head, data


def send(port, r, n):
    head, data = raw_request(r, n)
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    out = []
    try:
        s.sendall(head)
        if data and r["headers"].get("Expect") == "100-continue":
            time.sleep(0.05)
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        while True:
            try:
                b = s.recv(1 << 20)
            except ConnectionResetError:
                break  # a close with unread data: timing decides RST or FIN
            except socket.timeout:
                out.append(b"<timeout>")
                break
            if not b:
                break
            out.append(b)
    finally:
        s.close()
    return b"".join(out) or b"<closed without an answer>"


METRIC_LINE = re.compile(rb"^([^# ][^ ]*) (.*)$", re.M)
GENERATED_ID = re.compile(rb"[0-9a-f]{16}")


def normalise(resp, r):
    head, sep, body = resp.partition(b"\r\n\r\n")
    lines = [l for l in head.split(b"\r\n") if not l.lower().startswith(b"date:")]
    # a 100 Continue interim response comes first
    if r.get("metrics"):
        lines = [l for l in lines if not l.lower().startswith(b"content-length:")]
        body = METRIC_LINE.sub(rb"\1 <v>", body)
    if r.get("own_id"):
        lines = [GENERATED_ID.sub(b"<id>", l) if l.lower().startswith(b"x-request-id:") else l
                 for l in lines]
        body = GENERATED_ID.sub(b"<id>", body)
    return b"\r\n".join(lines) + sep, body


# ---- daemons ----------------------------------------------------------------------


def start(binary, args):
    # the access log goes to a file: a pipe nobody reads fills up and blocks
    # the daemon's logging, and with it every request
    log = tempfile.TemporaryFile()
    p = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", "0", "--threads", "2",
                          "--log", "json"] + args,
                         stdout=log, stderr=subprocess.PIPE)
    p.log = log
    line = p.stderr.readline().decode()
    m = re.search(r"listening on http://127.0.0.1:(\d+)", line)
    if not m:
        sys.exit("golden: %s did not start: %s" % (binary, line))
    return p, int(m.group(1))


LOG_TS = re.compile(rb'"ts":"[^"]*"')
LOG_MS = re.compile(rb'"ms":[0-9.]+')
LOG_LISTEN = re.compile(rb'127\.0\.0\.1:\d+')
LOG_METRICS = re.compile(rb'("path":"/metrics",.*"bytes_out":)[0-9]+')


def stop(p):
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    p.log.seek(0)
    out = p.log.read()
    log = LOG_LISTEN.sub(b"<addr>", LOG_MS.sub(b'"ms":<ms>', LOG_TS.sub(b'"ts":<ts>', out)))
    log = GENERATED_ID.sub(b"<id>", LOG_METRICS.sub(rb"\1<n>", log))
    return p.returncode, log.splitlines(), err


def run_pair(old, new, args, corpus, label, report):
    a, pa = start(old, args)
    b, pb = start(new, args)
    diffs = 0
    n = 0
    for r in corpus:
        n += 1
        ra, rb = send(pa, r, n), send(pb, r, n)
        if os.environ.get("GOLDEN_SHOW"):
            print("%s #%d %s %s -> %r" % (label, n, r["method"], r["path"][:60],
                                         ra.split(b"\r\n", 1)[0][:40]))
        if ra.endswith(b"<timeout>") or rb.endswith(b"<timeout>"):
            diffs += 1
            report.append("== %s #%d %s %s: no answer within 60 s (old %s, new %s)" % (
                label, n, r["method"], r["path"][:100], ra.endswith(b"<timeout>"),
                rb.endswith(b"<timeout>")))
            continue
        ha, ba = normalise(ra, r)
        hb, bb = normalise(rb, r)
        if ha == hb and ba == bb:
            continue
        diffs += 1
        report.append("== %s #%d %s %s" % (label, n, r["method"], r["path"][:100]))
        if ha != hb:
            report.append("  old headers: %r" % ha[:600])
            report.append("  new headers: %r" % hb[:600])
        if ba != bb:
            i = next((k for k in range(min(len(ba), len(bb))) if ba[k] != bb[k]), min(len(ba), len(bb)))
            report.append("  bodies differ at byte %d (lengths %d, %d)" % (i, len(ba), len(bb)))
            report.append("  old: %r" % ba[max(0, i - 80):i + 120])
            report.append("  new: %r" % bb[max(0, i - 80):i + 120])
    sa, la, ea = stop(a)
    sb, lb, eb = stop(b)
    if sa != sb:
        diffs += 1
        report.append("== %s exit status: old %s, new %s" % (label, sa, sb))
    if la != lb:
        diffs += 1
        report.append("== %s access logs differ (%d and %d lines)" % (label, len(la), len(lb)))
        for x, y in zip(la, lb):
            if x != y:
                report.append("  old: %r\n  new: %r" % (x[:300], y[:300]))
                break
    return n, diffs


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    report = []
    total = diffs = 0
    t0 = time.time()
    pairs = [
        ([], lambda: [*examples(), *forms(), *problems(), *misc(), *chunked(), *big(), *misc()],
         "default"),
        (["--cors-origin", "https://app.example"], lambda: [*examples(), *misc()], "cors"),
        (["--max-body", "4096", "--max-elements", "1000", "--max-buffer", "8192"], limits,
         "limits"),
        (["--max-buffer", "64"], buffer, "buffer"),
        (["--cors-origin", "*"], cors_star, "cors-star"),
    ]
    for args, corpus, label in pairs:
        n, d = run_pair(old, new, args, corpus(), label, report)
        total += n
        diffs += d
        print("golden: %-9s %4d requests, %d differences" % (label, n, d), flush=True)
    print("\n".join(report))
    print("golden: %d requests to each daemon in %.1f s, %d differences" % (total, time.time() - t0, diffs))
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
