"""clients/python/activ_client.py against a running activd ($ACTIV_URL).

The reference answers are the daemon's own JSON, fetched here with
http.client, not through the client; the numpy tests (skipped without
python3-numpy) check that the binary form gives the same bits.
"""

import http.client
import json
import math
import os
import socket
import struct
import sys
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "clients", "python"))
import activ_client  # noqa: E402
from activ_client import ActivProblem, Client  # noqa: E402

try:
    import numpy as np
except ImportError:
    np = None

URL = os.environ.get("ACTIV_URL", "http://127.0.0.1:8080")
needs_numpy = unittest.skipIf(np is None, "python3-numpy is not installed")

# Inputs where naive formulas fail: tails, subnormals, huge values, kinks.
HARD = [-1e300, -745.2, -709.8, -40.0, -1.0, -1e-300, -5e-324, -0.0, 0.0, 5e-324, 1e-10,
        0.5, 1.0, 6.0, 20.0, 709.8, 1e300]


def raw(path, doc=None):
    """The daemon's JSON answer to doc, without the client."""
    u = urllib.parse.urlsplit(URL)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        if doc is None:
            conn.request("GET", path)
        else:
            conn.request("POST", path, json.dumps(doc), {"Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, json.loads(r.read(), parse_int=float)  # keeps -0
    finally:
        conn.close()


def floats(v):
    """JSON answer numbers as floats (the API's strings for NaN and infinities)."""
    if isinstance(v, list):
        return [floats(e) for e in v]
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    return float(v)


def bits(v):
    """Nested floats as their 64-bit patterns, so -0 != 0 and NaN == NaN."""
    if isinstance(v, list):
        return [bits(e) for e in v]
    return struct.pack("<d", v)


class JsonPath(unittest.TestCase):
    def setUp(self):
        self.c = Client(URL, timeout=10)

    def test_eval_equals_daemon_json(self):
        for name, params in [("sigmoid", {}), ("gelu", {"approximate": "tanh"}),
                             ("leaky_relu", {"negative_slope": 0.2}), ("softplus", {"beta": 2.0}),
                             ("mish", {}), ("logsigmoid", {})]:
            with self.subTest(name=name):
                st, want = raw("/eval", {"activation": name, "x": HARD, "params": params})
                self.assertEqual(st, 200)
                got = self.c.eval(name, HARD, **params)
                self.assertEqual(bits(got), bits(floats(want["y"])))

    def test_known_values(self):
        self.assertEqual(self.c.eval("sigmoid", [-1, 0, 1]),
                         [0.2689414213699951, 0.5, 0.7310585786300049])
        self.assertEqual(self.c.grad("tanh", [0.0]), [1.0])

    def test_grad_equals_daemon_json(self):
        for name, params in [("tanh", {}), ("elu", {"alpha": 1.5}), ("hardtanh", {}),
                             ("silu", {})]:
            with self.subTest(name=name):
                st, want = raw("/grad", {"activation": name, "x": HARD, "params": params})
                self.assertEqual(st, 200)
                self.assertEqual(bits(self.c.grad(name, HARD, **params)),
                                 bits(floats(want["grad"])))

    def test_grad2_equals_daemon_json(self):
        go = [float(i % 5) - 2 for i in range(len(HARD))]
        for name, params in [("sigmoid", {}), ("gelu", {"approximate": "tanh"}),
                             ("softplus", {"beta": 2.0}), ("hardswish", {})]:
            for kw in ({}, {"grad_output": go}):
                with self.subTest(name=name, grad_output="grad_output" in kw):
                    doc = {"activation": name, "x": HARD, "params": params, "order": 2}
                    if kw:
                        doc["grad_output"] = go
                    st, want = raw("/grad", doc)
                    self.assertEqual(st, 200)
                    a = self.c.request("grad", name, HARD, order=2, **kw, **params)
                    self.assertEqual(bits(a.values), bits(floats(want["grad"])))
                    self.assertEqual(a.document["order"], 2)
        # f'' differs from f'; order=1 is f'
        self.assertNotEqual(self.c.grad("tanh", [0.5], order=2), self.c.grad("tanh", [0.5]))
        self.assertEqual(self.c.grad("tanh", [0.5], order=1), self.c.grad("tanh", [0.5]))

    def test_grad2_problems(self):
        with self.assertRaises(ActivProblem) as cm:
            self.c.grad("softmax", [[1, 2]], grad_output=[[1, 0]], order=2)
        self.assertEqual((cm.exception.status, cm.exception.type, cm.exception.pointer),
                         (422, "/problems/invalid-value", "/order"))
        with self.assertRaises(ActivProblem) as cm:
            self.c.grad("tanh", [1], order=3)
        self.assertEqual(cm.exception.pointer, "/order")
        with self.assertRaises(ActivProblem) as cm:
            self.c.request("eval", "tanh", [1], order=2)
        self.assertEqual((cm.exception.type, cm.exception.pointer),
                         ("/problems/unknown-field", "/order"))

    def test_grad_output_and_2d(self):
        x, go = [[1.0, 2.0, 3.0], [-1.0, 0.0, 50.0]], [[1.0, 0.0, 0.0], [0.5, -2.0, 1.0]]
        st, want = raw("/grad", {"activation": "softmax", "x": x, "grad_output": go})
        self.assertEqual(st, 200)
        got = self.c.grad("softmax", x, grad_output=go)
        self.assertEqual(bits(got), bits(floats(want["grad"])))
        self.assertEqual([len(r) for r in got], [3, 3])
        y = self.c.eval("relu", [[[-1, 2]], [[3, -4]]])  # 3-D stays 3-D
        self.assertEqual(y, [[[0.0, 2.0]], [[3.0, 0.0]]])

    def test_nonfinite_in_and_out(self):
        y = self.c.eval("identity", [math.nan, math.inf, -math.inf, 1])
        self.assertTrue(math.isnan(y[0]))
        self.assertEqual(y[1:], [math.inf, -math.inf, 1.0])
        self.assertEqual(self.c.eval("sigmoid", [math.inf, -math.inf]), [1.0, 0.0])

    def test_float32(self):
        st, want = raw("/eval", {"activation": "gelu", "x": [0.1, 1, 3.3], "dtype": "float32"})
        a = self.c.request("eval", "gelu", [0.1, 1, 3.3], dtype="float32")
        self.assertEqual(a.dtype, "float32")
        self.assertEqual(a.values, floats(want["y"]))
        self.assertNotEqual(a.values, self.c.eval("gelu", [0.1, 1, 3.3]))

    def test_range(self):
        a = self.c.request("eval", "sigmoid", range=(-10, 10, 0.025))
        self.assertEqual(len(a.x), 800)
        self.assertEqual(len(a.values), 800)
        self.assertEqual(a.x[:2], [-10.0, -9.975])
        b = self.c.request("grad", "tanh", range={"start": -1, "stop": 1, "num": 5})
        self.assertEqual(b.x, [-1.0, -0.5, 0.0, 0.5, 1.0])
        self.assertEqual(b.values[2], 1.0)
        self.assertEqual(self.c.eval("relu", range=(0, 3, 1)), [0.0, 1.0, 2.0])

    def test_answer_fields(self):
        a = self.c.request("eval", "LeakyReLU", [1])
        self.assertEqual(a.activation, "leaky_relu")
        self.assertEqual(a.params, {"negative_slope": 0.01})
        self.assertEqual(a.dtype, "float64")

    def test_request_id_passthrough(self):
        a = self.c.request("eval", "relu", [1], request_id="py-test.1")
        self.assertEqual(a.request_id, "py-test.1")
        with self.assertRaises(ActivProblem) as cm:
            self.c.eval("relu", [1], request_id="py-test.2", alpha=1)
        self.assertEqual(cm.exception.request_id, "py-test.2")
        self.assertEqual(cm.exception.document["request_id"], "py-test.2")

    def test_catalogue(self):
        acts = self.c.activations()
        st, want = raw("/activations")
        self.assertEqual(acts, want["activations"])
        self.assertEqual(len(acts), 25)
        self.assertIn("sigmoid", [a["name"] for a in acts])
        self.assertEqual(self.c.activation("LeakyReLU")["name"], "leaky_relu")
        with self.assertRaises(ActivProblem) as cm:
            self.c.activation("sigmiod")
        self.assertEqual(cm.exception.status, 404)
        self.assertIn("sigmoid", cm.exception.document["suggestions"])

    def test_service_routes(self):
        self.assertTrue(self.c.healthy())
        self.assertTrue(self.c.ready())
        self.assertEqual(self.c.version()["activd"], activ_client.__version__)


class Problems(unittest.TestCase):
    def setUp(self):
        self.c = Client(URL, timeout=10)

    def problem(self, fn, *a, **kw):
        with self.assertRaises(ActivProblem) as cm:
            fn(*a, **kw)
        return cm.exception

    def test_invalid_parameter_pointer(self):
        p = self.problem(self.c.eval, "softplus", [1], beta=0)
        self.assertEqual((p.status, p.type, p.pointer), (422, "/problems/invalid-parameter",
                                                        "/params/beta"))
        self.assertIn("beta", p.detail)
        self.assertEqual(p.document["status"], 422)
        self.assertIn("/params/beta", str(p))

    def test_unknown_activation(self):
        p = self.problem(self.c.eval, "sigmoyd", [1])
        self.assertEqual((p.status, p.type, p.pointer), (422, "/problems/unknown-activation",
                                                        "/activation"))
        self.assertIn("sigmoid", p.document["suggestions"])

    def test_ragged_and_wrong_type(self):
        p = self.problem(self.c.eval, "relu", [[1, 2], [3]])
        self.assertEqual((p.type, p.pointer), ("/problems/not-rectangular", "/x/1"))
        p = self.problem(self.c.eval, "relu", [1, "a"])
        self.assertEqual((p.type, p.pointer), ("/problems/wrong-type", "/x/1"))

    def test_missing_grad_output(self):
        p = self.problem(self.c.grad, "softmax", [[1, 2]])
        self.assertEqual((p.status, p.type), (422, "/problems/missing-field"))
        self.assertEqual(p.pointer, "/grad_output")

    def test_problem_is_an_exception(self):
        self.assertTrue(issubclass(ActivProblem, Exception))

    def test_not_a_problem_body(self):
        p = activ_client._problem(431, {}, b"<html>too big</html>", "Too Large")
        self.assertEqual((p.status, p.type, p.pointer), (431, "about:blank", None))
        self.assertIn("too big", p.detail)


class Timeouts(unittest.TestCase):
    def test_timeout_raises(self):
        # a listener that accepts and never answers
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        held = []
        t = threading.Thread(target=lambda: held.append(srv.accept()), daemon=True)
        t.start()
        c = Client("http://127.0.0.1:%d" % srv.getsockname()[1], timeout=0.3)
        try:
            with self.assertRaises((TimeoutError, socket.timeout, OSError)) as cm:
                c.eval("relu", [1])
            self.assertIn("timed out", str(cm.exception))
        finally:
            for conn, _ in held:
                conn.close()
            srv.close()

    def test_per_call_timeout_wins(self):
        c = Client(URL, timeout=0.000001)
        self.assertEqual(c.eval("relu", [1], timeout=10), [1.0])


@needs_numpy
class Binary(unittest.TestCase):
    def setUp(self):
        self.c = Client(URL, timeout=10)
        self.x = np.array(HARD + list(np.linspace(-30, 30, 1001)), dtype=np.float64)

    def test_binary_is_used(self):
        a = self.c.request("eval", "sigmoid", self.x)
        self.assertIsNone(a.document)  # the JSON path fills it
        self.assertIsInstance(a.values, np.ndarray)
        self.assertEqual((a.values.dtype, a.values.shape), (np.dtype("<f8"), self.x.shape))

    def test_same_bits_as_json(self):
        for name, params in [("sigmoid", {}), ("tanh", {}), ("gelu", {"approximate": "tanh"}),
                             ("elu", {"alpha": 1.5}), ("softplus", {"beta": 0.5}),
                             ("leaky_relu", {"negative_slope": 0.2})]:
            for ep in ("eval", "grad"):
                with self.subTest(name=name, endpoint=ep):
                    b = self.c.request(ep, name, self.x, **params).values
                    st, want = raw("/" + ep, {"activation": name, "x": self.x.tolist(),
                                              "params": params})
                    j = np.array(floats(want["y" if ep == "eval" else "grad"]))
                    self.assertEqual(b.tobytes(), j.astype("<f8").tobytes())

    def test_json_form_of_an_ndarray(self):
        b = self.c.eval("mish", self.x)
        j = self.c.eval("mish", self.x, binary=False)
        self.assertIsInstance(j, np.ndarray)
        self.assertEqual(b.tobytes(), j.tobytes())

    def test_float32(self):
        x64 = self.x[np.abs(self.x) < 1e38]  # beyond float32, JSON's x is a 422
        x32 = x64.astype(np.float32)
        a = self.c.request("eval", "gelu", x32)
        self.assertEqual(a.values.dtype, np.dtype("<f4"))
        st, want = raw("/eval", {"activation": "gelu", "x": x32.tolist(), "dtype": "float32"})
        j = np.array(floats(want["y"]), dtype=np.float64).astype(np.float32)
        self.assertEqual(a.values.tobytes(), j.tobytes())
        # dtype= converts a float64 array
        self.assertEqual(self.c.eval("gelu", x64, dtype="float32").tobytes(), j.tobytes())

    def test_2d_rowwise(self):
        x = np.arange(12, dtype=np.float64).reshape(3, 4) / 3 - 2
        y = self.c.eval("softmax", x)
        self.assertEqual(y.shape, (3, 4))
        np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-15)
        st, want = raw("/eval", {"activation": "softmax", "x": x.tolist()})
        self.assertEqual(y.tobytes(), np.array(floats(want["y"])).tobytes())
        x3 = np.linspace(-3, 3, 24).reshape(2, 3, 4)
        self.assertEqual(self.c.eval("log_softmax", x3).shape, (2, 3, 4))

    def test_grad_output(self):
        x = np.linspace(-2, 2, 6).reshape(2, 3)
        go = np.array([[1.0, 0, 0], [0.5, -1, 2]])
        b = self.c.grad("softmax", x, grad_output=go)
        st, want = raw("/grad", {"activation": "softmax", "x": x.tolist(),
                                 "grad_output": go.tolist()})
        self.assertEqual(b.tobytes(), np.array(floats(want["grad"])).tobytes())
        with self.assertRaises(ValueError):
            self.c.grad("softmax", x, grad_output=go[:1])

    def test_grad2_binary(self):
        go = np.cos(self.x)
        for kw in ({}, {"grad_output": go}):
            with self.subTest(grad_output=bool(kw)):
                b = self.c.grad("mish", self.x, order=2, **kw)
                doc = {"activation": "mish", "x": self.x.tolist(), "order": 2}
                if kw:
                    doc["grad_output"] = go.tolist()
                st, want = raw("/grad", doc)
                self.assertEqual(st, 200)
                self.assertEqual(b.tobytes(), np.array(floats(want["grad"])).astype("<f8").tobytes())
        with self.assertRaises(ActivProblem) as cm:
            self.c.grad("mish", self.x, order=5)
        self.assertEqual((cm.exception.status, cm.exception.parameter), (422, "order"))

    def test_problem_on_the_binary_path(self):
        with self.assertRaises(ActivProblem) as cm:
            self.c.eval("softplus", self.x, beta=0, request_id="bin-1")
        p = cm.exception
        self.assertEqual((p.status, p.type, p.parameter, p.request_id),
                         (422, "/problems/invalid-parameter", "beta", "bin-1"))

    def test_scalar_and_ints(self):
        self.assertEqual(self.c.eval("relu", np.array(-2.0)).shape, ())  # 0-d stays 0-d
        self.assertEqual(self.c.eval("relu", np.float64(-2.0)), 0.0)  # a numpy scalar is a number
        self.assertEqual(self.c.eval("relu", np.array([-1, 2])).tolist(), [0.0, 2.0])

    def test_big(self):
        x = np.linspace(-50, 50, 1_000_003)
        y = self.c.eval("sigmoid", x)
        self.assertEqual(y.shape, x.shape)
        self.assertEqual((y[0], y[-1]), (self.c.eval("sigmoid", [-50.0])[0], 1.0))
        self.assertTrue(np.all(np.diff(y) >= 0))


if __name__ == "__main__":
    runner = unittest.TextTestRunner(verbosity=int(os.environ.get("VERBOSE", "1")))
    t0 = time.time()
    result = runner.run(unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]))
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    print("python client (numpy %s, %.1f s)" % (np.__version__ if np else "absent",
                                               time.time() - t0))
    print("python: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    sys.exit(1 if failed or not result.testsRun else 0)
