"""Every formula on docs/formula-sheet.md is checked numerically: each row's NumPy column is
run here and compared with blocks.py and with centred differences of the forward formula.
A row without a check, or a check without a row, fails."""
import re

import numpy as np
import pytest

import blocks
from checks.authoring.slides import FORMULA_SHEET

ROW = re.compile(r"^\| `(\w+)` \| (.+) \| `([^`]+)` \|$")


def sheet():
    """{name: NumPy code} of every formula row on the sheet."""
    rows = {}
    for line in FORMULA_SHEET.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line.strip())
        if m:
            assert m[1] not in rows, f"{m[1]} is on the sheet twice"
            rows[m[1]] = m[3]
    return rows


SHEET = sheet()
rng = np.random.default_rng(2026)


def run(name, **given):
    """Runs the sheet's code for ``name`` with ``given`` names bound; returns its namespace."""
    space = {"np": np, **given}
    exec(SHEET[name], space)
    return space


def numeric(f, x):
    return blocks.numerical_gradient(lambda v: float(f(v)), x.copy(), h=1e-6)


def assert_close(a, b, rtol=1e-6, atol=1e-9):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def close_gradient(analytic, numerical, tol=1e-6):
    assert blocks.relative_error(analytic, numerical) < tol


X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=(1, 4))
Z = rng.normal(size=(5, 4)) * 2
Y = rng.uniform(size=(5, 4))
P = rng.uniform(0.05, 0.95, size=(5, 4))
y = rng.integers(0, 4, size=5)


def elementwise_derivative(name, forward):
    got = run(name, Z=Z)["dA_dZ"]
    assert_close(got, blocks.DERIVATIVES[forward](Z))
    Zs = Z[np.abs(Z) > 1e-3]                  # away from ReLU's kink
    f = blocks.ACTIVATIONS[forward]
    assert_close(run(name, Z=Zs)["dA_dZ"], (f(Zs + 1e-6) - f(Zs - 1e-6)) / 2e-6, 1e-5, 1e-7)


def network():
    sizes, acts = [3, 5, 4, 2], ["tanh", "relu", "sigmoid"]
    params = [(rng.normal(size=(i, o)), rng.normal(size=(1, o)))
              for i, o in zip(sizes[:-1], sizes[1:])]
    return params, acts


def sheet_forward(X, params, acts):
    A, cache = X, []
    for (W_, b_), name in zip(params, acts):
        space = run("forward", A=A, W=W_, b=b_, f=blocks.ACTIVATIONS[name])
        cache.append((A, space["Z"]))
        A = space["A"]
    return A, cache


def check_forward():
    params, acts = network()
    A, cache = sheet_forward(X, params, acts)
    A_ref, cache_ref = blocks.forward(X, params, acts)
    assert_close(A, A_ref)
    for (a, z), (a_ref, z_ref) in zip(cache, cache_ref):
        assert_close(a, a_ref), assert_close(z, z_ref)


def check_backward():
    """The recurrence, run layer by layer from the sheet, against centred differences of
    the whole network's loss."""
    params, acts = network()
    Yt = rng.uniform(size=(5, 2))

    def loss(p):
        return blocks.mse_loss(sheet_forward(X, p, acts)[0], Yt)
    A, cache = sheet_forward(X, params, acts)
    dA, grads = blocks.mse_loss_grad(A, Yt), []
    for (A_prev, Z_), (W_, _), name in reversed(list(zip(cache, params, acts))):
        space = run("backward", dA=dA, Z=Z_, A_prev=A_prev, W=W_,
                    f_prime=blocks.DERIVATIVES[name])
        dA = space["dA"]
        grads.insert(0, (space["dW"], space["db"]))
    for l, ((W_, b_), (dW, db)) in enumerate(zip(params, grads)):
        assert db.shape == b_.shape
        for which, value, analytic in ((0, W_, dW), (1, b_, db)):
            def f(v, l=l, which=which):
                p = [list(pair) for pair in params]
                p[l][which] = v
                return loss([tuple(pair) for pair in p])
            close_gradient(analytic, numeric(f, value))


def check_dense_backward():
    dZ = rng.normal(size=(5, 4))
    space = run("dense_backward", dZ=dZ, A_prev=X, W=W)
    for got, ref in zip((space["dA_prev"], space["dW"], space["db"]),
                        blocks.dense_backward(dZ, X, W)):
        assert_close(got, ref)
    # and against centred differences of L = sum(dZ * (X W + b))
    close_gradient(space["dW"], numeric(lambda v: np.sum(dZ * (X @ v + b)), W))
    close_gradient(space["db"], numeric(lambda v: np.sum(dZ * (X @ W + v)), b))
    close_gradient(space["dA_prev"], numeric(lambda v: np.sum(dZ * (v @ W + b)), X))


def check_activation_backward():
    dA = rng.normal(size=Z.shape)
    for name in ("sigmoid", "tanh", "relu", "linear"):
        got = run("activation_backward", dA=dA, Z=Z, f_prime=blocks.DERIVATIVES[name])["dZ"]
        assert_close(got, blocks.activation_backward(dA, Z, name))
        f = blocks.ACTIVATIONS[name]
        close_gradient(got, numeric(lambda v, f=f: np.sum(dA * f(v)), Z), 1e-5)


def check_loss_grad(loss_name, grad_name, out, x, ref_grad, **given):
    key = next(k for k, v in given.items() if v is x)

    def L(v):
        return run(loss_name, **{**given, key: v})["L"]
    got = run(grad_name, **given)[out]
    assert_close(got, ref_grad)
    close_gradient(got, numeric(L, x))


def check_centred_difference():
    x, h = rng.normal(size=4), 1e-5
    def f(v):
        return np.sum(np.sin(v) * v)
    g = [run("centred_difference", f=f, x=x, h=h, e_i=np.eye(4)[i])["g_i"] for i in range(4)]
    assert_close(g, np.sin(x) + x * np.cos(x), 1e-8, 1e-9)
    assert_close(g, blocks.numerical_gradient(f, x.copy(), h))


def check_he_init():
    n_in, n_out = 400, 300
    space = run("he_init", rng=np.random.default_rng(7), n_in=n_in, n_out=n_out)
    (W_ref, b_ref), = blocks.init_params([n_in, n_out], seed=7)
    assert_close(space["W"], W_ref), assert_close(space["b"], b_ref)
    assert abs(np.std(space["W"]) / np.sqrt(2 / n_in) - 1) < 0.02


def check_optimisers():
    theta, g, v0, m0 = (rng.normal(size=(3, 2)) for _ in range(4))
    assert_close(run("sgd", theta=theta, g=g, lr=0.1)["theta"], blocks.sgd_step(theta, g, 0.1))
    space = run("momentum", theta=theta, g=g, v=v0, lr=0.1, beta=0.9)
    for got, ref in zip((space["theta"], space["v"]), blocks.momentum_step(theta, g, v0, 0.1)):
        assert_close(got, ref)
    v_adam = np.abs(v0)
    for t in (1, 2, 10):
        space = run("adam", theta=theta, g=g, m=m0, v=v_adam, t=t, lr=1e-3, beta1=0.9,
                    beta2=0.999, eps=1e-8)
        ref = blocks.adam_step(theta, g, m0, v_adam, t)
        for got, r in zip((space["theta"], space["m"], space["v"]), ref):
            assert_close(got, r)
    # gradient descent on a bowl goes downhill with each rule
    def bowl(p):
        return float(np.sum(p ** 2))
    grad = 2 * theta
    assert bowl(run("sgd", theta=theta, g=grad, lr=0.1)["theta"]) < bowl(theta)


CHECKS = {
    "dense": lambda: assert_close(run("dense", X=X, W=W, b=b)["Z"], blocks.dense_forward(X, W, b)),
    "sigmoid": lambda: assert_close(run("sigmoid", Z=Z)["A"], blocks.sigmoid(Z)),
    "tanh": lambda: assert_close(run("tanh", Z=Z)["A"], np.tanh(Z)),
    "relu": lambda: assert_close(run("relu", Z=Z)["A"], blocks.relu(Z)),
    "softmax": lambda: assert_close(run("softmax", Z=Z)["A"], blocks.softmax(Z)),
    "forward": check_forward,
    "sigmoid_derivative": lambda: elementwise_derivative("sigmoid_derivative", "sigmoid"),
    "tanh_derivative": lambda: elementwise_derivative("tanh_derivative", "tanh"),
    "relu_derivative": lambda: elementwise_derivative("relu_derivative", "relu"),
    "mse": lambda: assert_close(run("mse", Y_hat=P, Y=Y)["L"], blocks.mse_loss(P, Y)),
    "mse_grad": lambda: check_loss_grad("mse", "mse_grad", "dY_hat", P,
                                        blocks.mse_loss_grad(P, Y), Y_hat=P, Y=Y),
    "bce": lambda: assert_close(run("bce", P=P, Y=Y)["L"], blocks.binary_cross_entropy(P, Y)),
    "bce_grad": lambda: check_loss_grad("bce", "bce_grad", "dP", P,
                                        blocks.binary_cross_entropy_grad(P, Y), P=P, Y=Y),
    "sigmoid_bce": lambda: (
        assert_close(run("sigmoid_bce", Z=Z, Y=Y)["dZ"],
                     blocks.binary_cross_entropy_grad(blocks.sigmoid(Z), Y)
                     * blocks.sigmoid_derivative(Z)),
        close_gradient(run("sigmoid_bce", Z=Z, Y=Y)["dZ"],
                       numeric(lambda v: blocks.binary_cross_entropy(blocks.sigmoid(v), Y), Z))),
    "logsumexp": lambda: (assert_close(run("logsumexp", Z=Z)["lse"], blocks.logsumexp(Z)),
                          assert_close(run("logsumexp", Z=Z + 1000)["lse"],
                                       blocks.logsumexp(Z) + 1000)),
    "softmax_ce": lambda: assert_close(run("softmax_ce", Z=Z, y=y)["L"],
                                       blocks.softmax_cross_entropy(Z, y)),
    "softmax_ce_grad": lambda: check_loss_grad("softmax_ce", "softmax_ce_grad", "dZ", Z,
                                               blocks.softmax_cross_entropy_grad(Z, y), Z=Z, y=y),
    "activation_backward": check_activation_backward,
    "dense_backward": check_dense_backward,
    "backward": check_backward,
    "centred_difference": check_centred_difference,
    "relative_error": lambda: [assert_close(run("relative_error", a=a_, b=b_)["r"],
                                            blocks.relative_error(a_, b_))
                               for a_, b_ in [(Z, Z + 1e-3), (Z, -Z), (Y, P)]],
    "he_init": check_he_init,
    "sgd": check_optimisers,
    "momentum": check_optimisers,
    "adam": check_optimisers,
}


def test_every_formula_on_the_sheet_has_a_check_and_every_check_a_formula():
    assert set(SHEET) == set(CHECKS), (set(SHEET) ^ set(CHECKS))


@pytest.mark.parametrize("name", sorted(SHEET))
def test_formula(name):
    CHECKS[name]()


def test_a_wrong_formula_on_the_sheet_would_fail(monkeypatch):
    """The checks can fail: the 1/m counted twice, a transposed product, a missing bias
    correction are each caught."""
    for name, wrong in [("mse_grad", "dY_hat = 2 * (Y_hat - Y) / Y_hat.size / len(Y_hat)"),
                        ("dense_backward", "dW = A_prev.T @ dZ / len(dZ); "
                                           "db = dZ.sum(axis=0, keepdims=True); dA_prev = dZ @ W.T"),
                        ("adam", "m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g "
                                 "** 2; theta = theta - lr * m / (np.sqrt(v) + eps)"),
                        ("backward", "dZ = dA * f_prime(Z); dW = A_prev.T @ dZ; "
                                     "db = dZ.sum(axis=0, keepdims=True); dA = dZ @ W")]:
        monkeypatch.setitem(SHEET, name, wrong)
        with pytest.raises((AssertionError, ValueError)):
            CHECKS[name]()


def test_the_bce_gradient_and_its_clip_as_the_lesson_explains():
    """Inside [EPS, 1 - EPS] binary_cross_entropy_grad is the loss's derivative; where P
    was clipped the clipped loss is flat (a centred difference gives 0), and the gradient is
    the formula at the clipped P, a large push the right way (lesson 05 says so)."""
    Y = np.array([[1.0], [0.0]])
    inside = np.array([[0.3], [0.8]])
    assert_close(blocks.binary_cross_entropy_grad(inside, Y),
                 numeric(lambda v: blocks.binary_cross_entropy(v, Y), inside))
    outside = np.array([[1e-9], [1 - 1e-9]])                   # sure and wrong, both
    flat = blocks.numerical_gradient(lambda v: blocks.binary_cross_entropy(v, Y), outside, h=1e-10)
    assert np.all(flat == 0)
    grad = blocks.binary_cross_entropy_grad(outside, Y)
    assert grad[0, 0] < -1e5 and grad[1, 0] > 1e5                 # pushed towards Y
    eps = blocks.EPS
    assert_close(grad, (np.clip(outside, eps, 1 - eps) - Y)
                 / (np.clip(outside, eps, 1 - eps) * (1 - np.clip(outside, eps, 1 - eps))) / 2)
