"""activ_client - a Python client for activd, the activation-function daemon.

Standard library only; numpy, when installed, gives the binary fast path.

    from activ_client import Client, ActivProblem

    c = Client("http://127.0.0.1:8080")
    c.eval("sigmoid", [-1, 0, 1])                  # [0.2689414213699951, 0.5, 0.7310585786300049]
    c.grad("leaky_relu", [[-2, 3]], negative_slope=0.2)
    c.grad("softmax", [[1, 2, 3]], grad_output=[[1, 0, 0]])
    c.grad("tanh", [0, 1], order=2)                # tanh''(x): [-0.0, -0.6397000084492245]
    c.eval("gelu", range=(-3, 3, 0.5))             # numpy.arange(-3, 3, 0.5)
    c.eval("tanh", numpy.linspace(-5, 5, 10**6))   # ndarray in: binary both ways, ndarray out
    try:
        c.eval("softplus", [1], beta=0)
    except ActivProblem as p:
        print(p.status, p.type, p.pointer, p.detail)   # 422 /problems/invalid-parameter /params/beta ...

Values: lists (nested to any rectangular shape) or numbers go as JSON and come
back as lists of floats; NaN and infinities travel as the strings the API uses
and come back as floats. A numpy ndarray goes as little-endian float64 or
float32 (by its dtype, or dtype=) with its shape, and comes back as an
ndarray of that dtype and shape; binary=False sends it as JSON instead.
Every answer activd refuses raises ActivProblem carrying its RFC 9457 problem
document. Network failures and timeouts raise what urllib raises (URLError,
TimeoutError).
"""

import json
import math
import urllib.error
import urllib.parse
import urllib.request

try:
    import numpy
except ImportError:  # the JSON path needs nothing else
    numpy = None

__all__ = ["Client", "ActivProblem", "Answer"]
__version__ = "1.0.0"

_DTYPES = ("float64", "float32")
_NONFINITE_OUT = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class ActivProblem(Exception):
    """An answer activd refused: the problem document (RFC 9457) and its fields.

    .status    HTTP status (400, 404, 413, 422, 503, ...)
    .type      "/problems/invalid-parameter" etc. ("about:blank" for an answer
               without a problem body)
    .title, .detail
    .pointer   the JSON pointer of the field at fault ("/params/beta", "/x/3"),
               or None
    .parameter the query key at fault (binary and query forms), or None
    .request_id the X-Request-ID of the request
    .document  the whole problem document (a dict), e.g. ["suggestions"]
    """

    def __init__(self, status, document, request_id=None):
        self.document = document
        self.status = document.get("status", status)
        self.type = document.get("type", "about:blank")
        self.title = document.get("title", "")
        self.detail = document.get("detail", "")
        self.pointer = document.get("pointer")
        self.parameter = document.get("parameter")
        self.request_id = document.get("request_id", request_id)
        where = self.pointer if self.pointer is not None else self.parameter
        super().__init__(
            "%d %s: %s%s" % (self.status, self.type, self.detail or self.title,
                             " (at %s)" % where if where is not None else ""))


class Answer:
    """One answer: .values (y for /eval, grad for /grad), .x (the grid of a
    range, else None), .activation (the canonical name; for a binary answer
    the name as sent), .params (every parameter with its effective value;
    None for binary answers), .dtype, .request_id, .document (the JSON
    answer, None for binary)."""

    __slots__ = ("values", "x", "activation", "params", "dtype", "request_id", "document")

    def __init__(self, values, x, activation, params, dtype, request_id, document):
        self.values, self.x, self.activation, self.params = values, x, activation, params
        self.dtype, self.request_id, self.document = dtype, request_id, document

    def __repr__(self):
        return "Answer(activation=%r, dtype=%r, values=%r)" % (self.activation, self.dtype,
                                                              self.values)


def _is_ndarray(v):
    return numpy is not None and isinstance(v, numpy.ndarray)


def _to_json(v):
    """Numbers and nested lists as the API reads them: non-finite floats as
    strings (Python's json would write NaN, which is not JSON)."""
    if isinstance(v, (list, tuple)):
        return [_to_json(e) for e in v]
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")
    if _is_ndarray(v) or (numpy is not None and isinstance(v, numpy.generic)):
        return _to_json(v.tolist())
    return v


def _from_json(v):
    if isinstance(v, list):
        return [_from_json(e) for e in v]
    if isinstance(v, str):
        return _NONFINITE_OUT.get(v, v)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def _query_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)  # shortest round trip, as the JSON form would send it
    return str(v)


def _range_doc(r):
    """range=(start, stop, step), {"start", "stop", "step"} or {"start", "stop", "num"}."""
    if isinstance(r, dict):
        return dict(r)
    start, stop, step = r
    return {"start": start, "stop": stop, "step": step}


class Client:
    """A client of one activd.

    url      the daemon's base URL (default http://127.0.0.1:8080)
    timeout  seconds for each request (connect and every read), None for none
    headers  extra headers sent with every request (e.g. Authorization for a
             proxy in front)
    """

    def __init__(self, url="http://127.0.0.1:8080", timeout=30.0, headers=None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.headers = dict(headers or {})

    # ---- the computations -------------------------------------------------------
    def eval(self, name, x=None, **kw):
        """y = f(x). Keywords: range, dtype, binary, request_id, timeout; any other
        keyword is a parameter of the activation (negative_slope=0.2)."""
        return self.request("eval", name, x, **kw).values

    def grad(self, name, x=None, grad_output=None, order=None, **kw):
        """f'(x), or grad_output * f'(x) (required for softmax and log_softmax);
        order=2: f''(x), or grad_output * f''(x) (elementwise activations only).
        Keywords as for eval."""
        return self.request("grad", name, x, grad_output=grad_output, order=order, **kw).values

    def request(self, endpoint, name, x=None, grad_output=None, range=None, dtype=None,
                binary=None, request_id=None, timeout=None, order=None, **params):
        """POST /eval or /grad (endpoint "eval" or "grad"); the whole Answer.
        order (1 or 2) is sent when given: /grad's derivative; /eval refuses it."""
        if endpoint not in ("eval", "grad"):
            raise ValueError("endpoint must be 'eval' or 'grad', not %r" % (endpoint,))
        if binary is None:
            binary = _is_ndarray(x)
        if binary and x is not None and range is None:
            return self._binary(endpoint, name, x, grad_output, dtype, request_id, timeout,
                                order, params)
        doc = {"activation": name}
        if x is not None or range is None:
            doc["x"] = _to_json(x)
        if range is not None:
            doc["range"] = _range_doc(range)
        if params:
            doc["params"] = {k: _to_json(v) for k, v in params.items()}
        if dtype is not None:
            doc["dtype"] = str(numpy.dtype(dtype)) if numpy is not None else dtype
        if grad_output is not None:
            doc["grad_output"] = _to_json(grad_output)
        if order is not None:
            doc["order"] = order
        body = json.dumps(doc, allow_nan=False, separators=(",", ":")).encode()
        data, rid, _ = self._send("POST", "/" + endpoint, body, "application/json", request_id,
                                  timeout)
        ans = json.loads(data, parse_int=float)  # "-0" is -0.0, not the int 0
        key = "y" if endpoint == "eval" else "grad"
        values = _from_json(ans[key])
        grid = _from_json(ans["x"]) if "x" in ans else None
        if _is_ndarray(x):  # an ndarray sent as JSON (binary=False) comes back as one
            values = numpy.asarray(values, dtype=ans["dtype"]).reshape(x.shape)
        return Answer(values, grid, ans.get("activation"), ans.get("params"), ans.get("dtype"),
                      rid, ans)

    def _binary(self, endpoint, name, x, grad_output, dtype, request_id, timeout, order, params):
        if numpy is None:
            raise RuntimeError("the binary form needs numpy")
        x = numpy.asarray(x)
        dt = numpy.dtype(dtype if dtype is not None else
                         (x.dtype if x.dtype in (numpy.float32, numpy.float64) else numpy.float64))
        if dt.name not in _DTYPES:
            raise ValueError("dtype must be float64 or float32, not %s" % dt.name)
        wire = dt.newbyteorder("<")
        parts = [numpy.ascontiguousarray(x, dtype=wire)]
        query = [("activation", name), ("dtype", dt.name)]
        if x.ndim > 1:
            query.append(("shape", ",".join(str(d) for d in x.shape)))
        if grad_output is not None:
            g = numpy.asarray(grad_output)
            if g.shape != x.shape:
                raise ValueError("grad_output has shape %s, x %s" % (g.shape, x.shape))
            parts.append(numpy.ascontiguousarray(g, dtype=wire))
            query.append(("grad_output", "true"))
        if order is not None:
            query.append(("order", _query_value(order)))
        query += [(k, _query_value(v)) for k, v in params.items()]
        body = b"".join(p.tobytes() for p in parts) if len(parts) > 1 else memoryview(parts[0]).cast("B")
        out = numpy.empty(x.shape, dtype=wire)
        path = "/%s?%s" % (endpoint, urllib.parse.urlencode(query))
        _, rid, _ = self._send("POST", path, body, "application/octet-stream", request_id,
                               timeout, into=out)
        return Answer(out, None, name, None, dt.name, rid, None)

    # ---- the catalogue and the service routes ---------------------------------------
    def activations(self, timeout=None):
        """GET /activations: the catalogue, a list of entries (name, aliases,
        params, formula, derivative, range, ...)."""
        return self.get_json("/activations", timeout=timeout)["activations"]

    def activation(self, name, timeout=None):
        """GET /activations/NAME: one entry; any alias or spelling. An unknown
        name raises ActivProblem (404) whose document has "suggestions"."""
        return self.get_json("/activations/" + urllib.parse.quote(name, safe=""), timeout=timeout)

    def version(self, timeout=None):
        return self.get_json("/version", timeout=timeout)

    def healthy(self, timeout=None):
        """True when GET /healthz answers 200."""
        return self.get_json("/healthz", timeout=timeout).get("status") == "ok"

    def ready(self, timeout=None):
        """True when GET /readyz answers 200; False while starting or draining (503)."""
        try:
            return self.get_json("/readyz", timeout=timeout).get("status") == "ready"
        except ActivProblem as p:
            if p.status == 503:
                return False
            raise

    def get_json(self, path, request_id=None, timeout=None):
        data, _, _ = self._send("GET", path, None, None, request_id, timeout)
        return json.loads(data)

    # ---- HTTP ------------------------------------------------------------------------
    def _send(self, method, path, body, ctype, request_id, timeout, into=None):
        """One request; (body bytes, X-Request-ID, headers). With into (an
        ndarray) a 200 body is read straight into it instead."""
        headers = dict(self.headers)
        if ctype:
            headers["Content-Type"] = ctype
        if request_id is not None:
            headers["X-Request-ID"] = request_id
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            resp = urllib.request.urlopen(req, timeout=self.timeout if timeout is None else timeout)
        except urllib.error.HTTPError as e:
            with e:
                raise _problem(e.code, e.headers, e.read(), e.reason) from None
        with resp:
            rid = resp.headers.get("X-Request-ID")
            if into is None:
                return resp.read(), rid, resp.headers
            _read_into(resp, into)
            return None, rid, resp.headers


def _read_into(resp, out):
    view = memoryview(out.reshape(-1)).cast("B")
    expect = resp.headers.get("Content-Length")
    if expect is not None and int(expect) != len(view):
        raise ValueError("activd sent %s bytes for %d expected" % (expect, len(view)))
    got = 0
    while got < len(view):
        n = resp.readinto(view[got:])
        if not n:
            raise ValueError("activd's answer ended after %d of %d bytes" % (got, len(view)))
        got += n


def _problem(status, headers, data, reason):
    try:
        doc = json.loads(data)
        if not isinstance(doc, dict):
            raise ValueError
    except ValueError:  # libmicrohttpd's own 431/414, a proxy's HTML page
        doc = {"type": "about:blank", "title": str(reason), "status": status,
               "detail": data.decode("utf-8", "replace")[:200]}
    return ActivProblem(status, doc, headers.get("X-Request-ID") if headers else None)
