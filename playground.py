"""The workshop playground: TensorFlow Playground in the notebook, running *your* functions.

Pick a 2-D data set, a network (0-4 hidden layers of 1-8 units), an activation, a learning
rate, an optimiser and a batch size; press play and watch the decision boundary, every hidden
neuron's output and the loss curves move. Each training step is built from the course's
functions (``init_params``, ``forward``, ``binary_cross_entropy``(``_grad``), ``backward``,
``sgd_step``, ``momentum_step``, ``adam_step``): yours, taken from the notebook, where they pass
their check, and the course's (``blocks``) where they are unfinished or do not; the widget
names which is which.

    import playground
    playground.show(globals())            # in a notebook: the widget (a picture without one)
    playground.step_by_step()             # the 2-3-1 network of lesson 03, one edge at a time

The logic needs NumPy and the course's checks only: ``make_data``, ``choose``, ``Trainer``
and the pictures (PNG bytes drawn with NumPy) run and are tested without a browser;
``from_lessons(folder)`` reads your functions from your saved lesson notebooks. ipywidgets is imported only by
``show``/``step_by_step``; where widgets cannot run, they show a sentence and the starting
picture instead.

Conventions as in the course: rows are examples, ``Z = X @ W + b``, labels ``y`` are an
``(m, 1)`` column of 0s and 1s, the output layer is one sigmoid unit trained on the binary
cross-entropy.
"""
from __future__ import annotations

import base64
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import blocks

DATASETS = ("circle", "xor", "gaussians", "spiral", "digits")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
OPTIMISERS = ("sgd", "momentum", "adam")
LEARNING_RATES = (0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS, MAX_UNITS = 4, 8
# The course's functions one training step is made of, in the order the widget lists them.
FUNCTIONS = ("init_params", "forward", "binary_cross_entropy", "binary_cross_entropy_grad",
             "backward", "sgd_step", "momentum_step", "adam_step")
EXTENT = 1.0               # the plane shown is [-EXTENT, EXTENT]^2; the data sets fit inside

# ---- the texts a learner reads -------------------------------------------------------------
# Every text is written where it is used as pmsg("playground", "one complete English literal",
# name=value): the course's message layer's pgettext call, so that its extraction (python -m
# checks translate, checks/authoring/catalogue.py) finds it. Its zh-TW translation is in
# locale/zh_TW/LC_MESSAGES/checks.po under msgctxt "playground".


def pmsg(context: str, text: str, **values) -> str:
    """``text`` rendered in the learner's language (checks.use_language), its {placeholders}
    filled: checks.engine.messages' pmsg and render; English when the checks cannot be imported."""
    try:
        from checks.engine import messages
    except ImportError:          # the course's checks are not importable: English
        return text.format(**values)
    return messages.render(messages.pmsg(context, text, **values))


def static_sentence() -> str:
    """The line shown with the starting picture where the widget cannot run."""
    return pmsg("playground", "This is the playground's starting picture. To train it, open this "
                              "notebook in JupyterLab with the course's environment (ipywidgets) "
                              "and run the cell again.")


def names() -> dict:
    """The words for the data sets, activations and optimisers, in the learner's language."""
    return {"circle": pmsg("playground", "circle"), "xor": pmsg("playground", "XOR"),
            "gaussians": pmsg("playground", "two Gaussians"), "spiral": pmsg("playground", "spiral"),
            "digits": pmsg("playground", "digits 3 and 8 (2-D)"), "relu": pmsg("playground", "ReLU"),
            "tanh": pmsg("playground", "tanh"), "sigmoid": pmsg("playground", "sigmoid"),
            "linear": pmsg("playground", "linear"), "sgd": pmsg("playground", "SGD"),
            "momentum": pmsg("playground", "momentum"), "adam": pmsg("playground", "Adam")}


# ---- data sets ------------------------------------------------------------------------------


@dataclass
class Data:
    """A 2-D data set split into training and test examples: X (m, 2) floats inside the plane
    [-1, 1]^2 (before noise), y (m, 1) of 0.0 and 1.0."""
    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _circle(n, rng):
    inside = n // 2
    r = np.concatenate([rng.uniform(0.0, 0.5, inside), rng.uniform(0.7, 1.0, n - inside)])
    t = rng.uniform(0.0, 2 * np.pi, n)
    y = np.concatenate([np.ones(inside), np.zeros(n - inside)])
    return np.column_stack([r * np.cos(t), r * np.sin(t)]), y


def _xor(n, rng):
    X = rng.uniform(-1.0, 1.0, (n, 2))
    X += np.sign(X) * 0.05 * (np.abs(X) < 0.05)          # keep points off the axes, as TF does
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)


def _gaussians(n, rng):
    half = n // 2
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    centres = np.where(y[:, None] == 1, 0.45, -0.45)
    return centres + rng.normal(0.0, 0.18, (n, 2)), y


def _spiral(n, rng):
    half = n // 2
    i = np.concatenate([np.arange(half), np.arange(n - half)])
    count = np.concatenate([np.full(half, half), np.full(n - half, n - half)])
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    r = 0.95 * i / count
    t = 1.75 * 2 * np.pi * i / count + np.pi * (1 - y)
    return np.column_stack([r * np.sin(t), r * np.cos(t)]), y


def _digits(n, rng):
    """The course's 8x8 digits 3 and 8, projected on their two principal components."""
    import digits
    X, labels = digits.load_digits()
    keep = np.isin(labels, (3, 8))
    X, y = X[keep], (labels[keep] == 8).astype(float)
    X = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    P = X @ Vt[:2].T
    P = 0.95 * P / np.abs(P).max()
    pick = rng.permutation(len(P))[:n]
    return P[pick], y[pick]


MAKERS = {"circle": _circle, "xor": _xor, "gaussians": _gaussians, "spiral": _spiral,
          "digits": _digits}


def make_data(name: str = "circle", n: int = 500, noise: float = 0.0,
              train_fraction: float = 0.5, seed: int = 0) -> Data:
    """A seeded data set: n points (fewer for "digits": it has 357 images of 3 and 8), Gaussian
    noise of standard deviation ``noise`` (0 to 0.5, in units of the plane's half-width) added
    to every point, then shuffled and split, ``train_fraction`` of it for training."""
    if name not in MAKERS:
        raise ValueError(f"unknown data set {name!r}: choose one of {', '.join(DATASETS)}")
    if not 0.0 < train_fraction < 1.0:
        raise ValueError(f"train_fraction is a fraction strictly between 0 and 1, not {train_fraction}")
    rng = np.random.default_rng(seed)
    X, y = MAKERS[name](n, rng)
    X = X + noise * rng.normal(0.0, 1.0, X.shape)
    order = rng.permutation(len(X))
    X, y = X[order], y[order].reshape(-1, 1)
    cut = min(max(1, round(train_fraction * len(X))), len(X) - 1)
    return Data(name, X[:cut], y[:cut], X[cut:], y[cut:])


# ---- whose functions --------------------------------------------------------------------------


@dataclass
class Choice:
    """The functions a training step uses: ``functions`` {name: callable}; ``origin`` {name:
    "yours" or "course"}; ``notes``, one learner-visible sentence per function."""
    functions: dict
    origin: dict
    notes: list
    reading: list = field(default_factory=list)   # from_lessons' notes on notebooks it skipped


def run_check_quietly(name: str, fn: Callable):
    """The Verdict of ``check(name, fn)``, without printing (checks.notebook.run_check)."""
    from checks.notebook import run_check
    return run_check(name, fn)


def choose(namespace: dict | None = None, mine: bool = True,
           checker: Callable = run_check_quietly, names=FUNCTIONS) -> Choice:
    """For every name in ``names`` (exercises blocks defines; default FUNCTIONS): the learner's
    function from ``namespace`` (a notebook's ``globals()``, or ``from_lessons()``) if ``mine``
    and it passes its check (``checker(name, fn)`` returns a Verdict), else ``blocks``'
    version, with a sentence saying which and why."""
    from checks.engine.messages import render
    from checks.engine.verdicts import NOT_ATTEMPTED, PASSED
    namespace = namespace or {}
    functions, origin, notes = {}, {}, []
    for name in names:
        course = getattr(blocks, name)
        theirs = namespace.get(name)
        use, note = course, None
        if not mine:
            note = pmsg("playground", "{name}: the course's blocks.{name} (you chose the course's "
                                      "functions).", name=name)
        elif not callable(theirs):
            note = pmsg("playground", "{name}: the course's blocks.{name} (this notebook has no {name} "
                                      "of its own).", name=name)
        elif getattr(theirs, "__module__", None) in ("blocks", "digits"):
            note = pmsg("playground", "{name}: the course's blocks.{name} (this notebook imports it "
                                      "from blocks).", name=name)
        else:
            try:
                verdict = checker(name, theirs)
            except Exception as e:  # noqa: BLE001 -- the check itself broke: say so, use the course's
                note = pmsg("playground", "{name}: the course's blocks.{name} (its check could not "
                                          "run: {error}).", name=name, error=type(e).__name__ + ": " + str(e))
            else:
                if verdict.status == PASSED:
                    use, note = theirs, pmsg("playground", "{name}: yours (it passes its check).", name=name)
                elif verdict.status == NOT_ATTEMPTED:
                    note = pmsg("playground", "{name}: the course's blocks.{name} (yours is not "
                                              "finished yet).", name=name)
                else:
                    reason = render(verdict.reason or verdict.lines[0] if verdict.lines else "")
                    note = pmsg("playground", "{name}: the course's blocks.{name} (yours does not pass "
                                              "its check: {reason}).", name=name, reason=reason.rstrip("."))
        functions[name] = use
        origin[name] = "yours" if use is not course else "course"
        notes.append(note)
    return Choice(functions, origin, notes, list(namespace.get("_notes", [])))


def course_choice() -> Choice:
    """Every function the course's, without checking anything (for scripts and benchmarks)."""
    return Choice({n: getattr(blocks, n) for n in FUNCTIONS}, {n: "course" for n in FUNCTIONS},
                  [pmsg("playground", "{name}: the course's blocks.{name} (you chose the course's "
                                      "functions).", name=n) for n in FUNCTIONS])


# ---- training -----------------------------------------------------------------------------------


class LearnerFunctionFailed(Exception):
    """A learner's function raised or returned something unusable during a step."""


def _same_shapes(result, like):
    return all(np.shape(r) == np.shape(x) for r, x in zip(result, like))


# What a usable result looks like, per function: a predicate on (result, arguments).
VALID = {
    "init_params": lambda r, a: isinstance(r, list) and len(r) == len(a[0]) - 1 and all(
        np.shape(W) == (i, o) and np.shape(b) in ((1, o), (o,)) for (W, b), i, o in
        zip(r, a[0][:-1], a[0][1:])),
    "forward": lambda r, a: isinstance(r, tuple) and len(r) == 2 and np.shape(r[0]) == (len(a[0]), 1)
    and len(r[1]) == len(a[1]),
    "binary_cross_entropy": lambda r, a: np.ndim(r) == 0,
    "binary_cross_entropy_grad": lambda r, a: np.shape(r) == np.shape(a[0]),
    "backward": lambda r, a: isinstance(r, list) and len(r) == len(a[2]) and all(
        np.shape(dW) == np.shape(W) and np.size(db) == np.size(b) for (dW, db), (W, b) in zip(r, a[2])),
    "sgd_step": lambda r, a: np.shape(r) == np.shape(a[0]),
    "momentum_step": lambda r, a: isinstance(r, tuple) and len(r) == 2 and _same_shapes(r, a[:1] * 2),
    "adam_step": lambda r, a: isinstance(r, tuple) and len(r) == 3 and _same_shapes(r, a[:1] * 3),
}


class Trainer:
    """A network of ``hidden`` units per hidden layer (each ``activation``) and one sigmoid
    output, trained on ``data`` with the binary cross-entropy, one mini-batch per ``step()``.

    ``choice`` says whose functions it uses (default: the course's). A learner's function that
    raises or returns the wrong shapes during a step is replaced by the course's from then on,
    and ``notes`` says so; the step is redone with the course's."""

    def __init__(self, data: Data, hidden=(4, 4), activation: str = "tanh", lr: float = 0.03,
                 optimiser: str = "sgd", batch_size: int = 10, seed: int = 0,
                 choice: Choice | None = None):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}")
        if optimiser not in OPTIMISERS:
            raise ValueError(f"unknown optimiser {optimiser!r}: choose one of {', '.join(OPTIMISERS)}")
        hidden = [int(u) for u in hidden]
        if len(hidden) > MAX_LAYERS or any(not 1 <= u <= MAX_UNITS for u in hidden):
            raise ValueError(f"hidden is up to {MAX_LAYERS} layers of 1 to {MAX_UNITS} units, not {hidden}")
        self.data, self.hidden, self.activation = data, hidden, activation
        self.lr, self.optimiser, self.batch_size, self.seed = lr, optimiser, int(batch_size), seed
        self.choice = choice or course_choice()
        self.notes: list = []                  # sentences about functions replaced during training
        self.reset()

    @property
    def sizes(self):
        return [2, *self.hidden, 1]

    @property
    def activations(self):
        return [self.activation] * len(self.hidden) + ["sigmoid"]

    def call(self, name, *args):
        """The chosen ``name`` on ``args``; the course's if the learner's raises or returns
        something unusable (which is then used from now on)."""
        fn = self.choice.functions[name]
        if fn is getattr(blocks, name):
            return fn(*args)
        try:
            with np.errstate(all="ignore"):
                result = fn(*args)
            if not VALID[name](result, args):
                raise LearnerFunctionFailed("it returned a result of the wrong shape or type")
            return result
        except Exception as e:  # noqa: BLE001 -- hostile or half-finished: the course's takes over
            error = str(e) if isinstance(e, LearnerFunctionFailed) else f"{type(e).__name__}: {e}"
            self.choice.functions[name] = getattr(blocks, name)
            self.choice.origin[name] = "course"
            self.notes.append(pmsg("playground", "{name}: yours stopped at step {step} ({error}); the "
                                                 "course's blocks.{name} is used from now on.",
                                   name=name, step=self.steps, error=error))
            return getattr(blocks, name)(*args)

    def reset(self):
        """New parameters from the seed, optimiser state zero, history empty."""
        self.params = [(np.asarray(W, float), np.asarray(b, float).reshape(1, -1))
                       for W, b in self.call("init_params", self.sizes, self.seed)]
        self.reset_optimiser()
        self.steps = 0
        self.order, self.cursor = np.empty(0, int), 0
        self.batches = np.random.default_rng([self.seed, 1])
        self.history = {"train": [], "test": []}
        self.record()

    def reset_optimiser(self):
        """Velocity and Adam's moments back to zero (when the optimiser changes)."""
        self.state = [[np.zeros_like(a) for a in pair] for pair in self.params]
        self.state2 = [[np.zeros_like(a) for a in pair] for pair in self.params]
        self.t = 0

    def next_batch(self):
        """Indices of the next mini-batch: each epoch a new shuffle, the last batch smaller."""
        m = len(self.data.X_train)
        if self.cursor >= len(self.order):
            self.order, self.cursor = self.batches.permutation(m), 0
        idx = self.order[self.cursor:self.cursor + self.batch_size]
        self.cursor += len(idx)
        return idx

    def update(self, param, grad, l, k):
        """One parameter array moved by the chosen optimiser; its state kept in place of the old."""
        if self.optimiser == "sgd":
            return self.call("sgd_step", param, grad, self.lr)
        if self.optimiser == "momentum":
            new, self.state[l][k] = self.call("momentum_step", param, grad, self.state[l][k], self.lr)
            return new
        new, self.state[l][k], self.state2[l][k] = self.call(
            "adam_step", param, grad, self.state[l][k], self.state2[l][k], self.t, self.lr)
        return new

    def step(self, n: int = 1):
        """``n`` training steps, one mini-batch each; records both losses after the last."""
        X, y = self.data.X_train, self.data.y_train
        for _ in range(n):
            idx = self.next_batch()
            with np.errstate(all="ignore"):
                A, cache = self.call("forward", X[idx], self.params, self.activations)
                dA = self.call("binary_cross_entropy_grad", A, y[idx])
                grads = self.call("backward", dA, cache, self.params, self.activations)
                self.t += 1
                self.params = [(self.update(W, dW, l, 0), self.update(b, np.reshape(db, np.shape(b)), l, 1))
                               for l, ((W, b), (dW, db)) in enumerate(zip(self.params, grads))]
            self.steps += 1
        self.record()

    def loss(self, X, y):
        with np.errstate(all="ignore"):
            P, _ = self.call("forward", X, self.params, self.activations)
            return float(self.call("binary_cross_entropy", P, y))

    def record(self):
        self.history["train"].append((self.steps, self.loss(self.data.X_train, self.data.y_train)))
        self.history["test"].append((self.steps, self.loss(self.data.X_test, self.data.y_test)))

    @property
    def epoch(self) -> float:
        return self.steps * self.batch_size / len(self.data.X_train)

    def diverged(self) -> bool:
        return not np.isfinite(self.history["train"][-1][1])

    def summary(self) -> str:
        """The loss line the widget shows."""
        (_, train), (_, test) = self.history["train"][-1], self.history["test"][-1]
        return pmsg("playground", "step {step} (epoch {epoch}): training loss {train}, test loss {test}",
                    step=self.steps, epoch=format(self.epoch, ".1f"), train=format(train, ".3f"),
                    test=format(test, ".3f"))

    def over_plane(self, resolution: int = 50):
        """The output and every hidden neuron's output on a resolution x resolution grid over the
        plane: (output (r, r), [hidden layer outputs, each (r, r, units)]), row 0 at the top."""
        s = np.linspace(-EXTENT, EXTENT, resolution)
        gx, gy = np.meshgrid(s, s[::-1])
        grid = np.column_stack([gx.ravel(), gy.ravel()])
        with np.errstate(all="ignore"):
            out, cache = self.call("forward", grid, self.params, self.activations)
        hidden = [np.asarray(cache[l][0]).reshape(resolution, resolution, -1)
                  for l in range(1, len(cache))]
        return np.asarray(out).reshape(resolution, resolution), hidden


# ---- pictures, drawn with NumPy --------------------------------------------------------------

ORANGE, BLUE, WHITE = np.array([245, 147, 34.]), np.array([8, 119, 189.]), np.array([255, 255, 255.])


def png(rgb: np.ndarray, level: int = 1) -> bytes:
    """PNG bytes of an (h, w, 3) uint8 image (no filter; zlib ``level`` 1 is fast, 9 small)."""
    h, w, _ = rgb.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rgb.reshape(h, w * 3)], axis=1).tobytes()

    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + (zlib.crc32(kind + data) & 0xFFFFFFFF).to_bytes(4, "big"))
    header = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, level))
            + chunk(b"IEND", b""))


def _scale(fade):
    """(256, 3) uint8: TensorFlow Playground's colours for 256 values from -1 to 1."""
    v = np.linspace(-1.0, 1.0, 256)[:, None] * fade
    rgb = np.where(v >= 0, WHITE + v * (BLUE - WHITE), WHITE - v * (ORANGE - WHITE))
    return np.round(rgb).astype(np.uint8)


SCALES = {1.0: _scale(1.0), 0.75: _scale(0.75)}


def colours(v: np.ndarray, fade: float = 1.0) -> np.ndarray:
    """Values in [-1, 1] to uint8 RGB: -1 orange, 0 white, +1 blue (TensorFlow Playground's
    scale), looked up in a table of 256 colours; ``fade`` 0.75 pales them (so the dots stand out
    on the heat map). NaN is white."""
    table = SCALES.get(fade)
    if table is None:
        table = SCALES[fade] = _scale(fade)
    v = np.nan_to_num(np.asarray(v, dtype=float), nan=0.0, posinf=1.0, neginf=-1.0)
    return table[np.clip(np.rint((v + 1.0) * 127.5), 0, 255).astype(np.intp)]


def upsample(values: np.ndarray, size: int) -> np.ndarray:
    """A square grid (r, r) resized to (size, size) by bilinear interpolation."""
    r = values.shape[0]
    src = np.linspace(0, r - 1, size)
    lo = np.minimum(np.floor(src).astype(int), r - 2)
    frac = src - lo
    M = np.zeros((size, r))
    M[np.arange(size), lo] = 1 - frac
    M[np.arange(size), lo + 1] = frac
    return M @ values @ M.T


def _disc(radius):
    d = np.arange(-radius, radius + 1)
    dy, dx = np.meshgrid(d, d, indexing="ij")
    keep = dx ** 2 + dy ** 2 <= radius ** 2 + 0.5
    return dy[keep], dx[keep]


def _dots(img, X, colour, radius):
    size = img.shape[0]
    px = np.round((X[:, 0] + EXTENT) / (2 * EXTENT) * (size - 1)).astype(int)
    py = np.round((EXTENT - X[:, 1]) / (2 * EXTENT) * (size - 1)).astype(int)
    dy, dx = _disc(radius)
    ys, xs = (py[:, None] + dy).ravel(), (px[:, None] + dx).ravel()
    inside = (ys >= 0) & (ys < size) & (xs >= 0) & (xs < size)
    c = np.repeat(np.asarray(colour, float).reshape(-1, 3), len(dy), axis=0) \
        if np.ndim(colour) == 2 else colour
    img[ys[inside], xs[inside]] = c[inside] if np.ndim(colour) == 2 else c


def boundary_picture(trainer: Trainer, size: int = 260, resolution: int = 50,
                     plane=None) -> np.ndarray:
    """The output over the plane as a pale heat map, with the training points (filled, white
    edge) and the test points (ringed in black): an (size, size, 3) uint8 image."""
    out = plane[0] if plane is not None else trainer.over_plane(resolution)[0]
    img = colours(2 * upsample(out, size) - 1, fade=0.75)
    d = trainer.data
    for X, y, edge in ((d.X_train, d.y_train, WHITE), (d.X_test, d.y_test, np.zeros(3))):
        inner = np.where(y.reshape(-1, 1) == 1, BLUE, ORANGE)
        _dots(img, X, edge, 3)
        _dots(img, X, inner, 2)
    return img


def neuron_pictures(trainer: Trainer, size: int = 44, resolution: int = 24, plane=None) -> list:
    """[[image of each neuron] for each hidden layer]: each neuron's output over the plane,
    divided by its largest absolute value there (so every neuron uses the whole colour scale)."""
    hidden = plane[1] if plane is not None else trainer.over_plane(resolution)[1]
    pictures = []
    for layer in hidden:
        scale = np.nanmax(np.abs(layer), axis=(0, 1))
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        pictures.append([colours(upsample(layer[:, :, u] / scale[u], size))
                         for u in range(layer.shape[2])])
    return pictures


MAX_CURVE_POINTS = 300


def loss_svg(trainer: Trainer, width: int = 260, height: int = 70) -> str:
    """The training and test loss per step as a small inline SVG (non-finite points left out)."""
    lines = []
    values = [v for key in ("train", "test") for _, v in trainer.history[key] if np.isfinite(v)]
    top = max(values) if values else 1.0
    last = max(trainer.steps, 1)
    for key, colour in (("train", "#333"), ("test", "#0877bd")):
        history = trainer.history[key]
        history = history[::max(1, len(history) // MAX_CURVE_POINTS)] + history[-1:]
        pts = [(s / last * (width - 2) + 1, height - 1 - v / top * (height - 2))
               for s, v in history if np.isfinite(v)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>')
    return (f'<svg class="pg-losses" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg"><rect width="{width}" height="{height}" '
            f'fill="#f7f7f7"/>{"".join(lines)}</svg>')


def data_uri(rgb: np.ndarray) -> str:
    """An image as a data: URI, compressed hard: it is stored in the notebook."""
    return "data:image/png;base64," + base64.b64encode(png(rgb, 9)).decode("ascii")


def static_html(trainer: Trainer, message: str) -> str:
    """What a notebook shows where widgets cannot run: the sentence and the starting picture,
    as HTML with the images inline."""
    from html import escape
    neurons = "".join(
        '<div style="display:inline-block;margin-right:8px">'
        + small(pmsg("playground", "layer {layer}", layer=l + 1))
        + "".join(f'<img src="{data_uri(p)}" style="display:block;margin:2px" alt="">' for p in layer)
        + "</div>" for l, layer in enumerate(neuron_pictures(trainer)))
    title = escape(pmsg("playground", "Playground: your network learning"))
    return (f'<div class="pg-static"><p><b>{title}</b></p><p>{escape(message)}</p>'
            f'<div style="display:flex;gap:16px;align-items:flex-start">{neurons}'
            f'<div><img src="{data_uri(boundary_picture(trainer))}" alt="">{output_caption()}'
            f'<p>{escape(trainer.summary())}</p></div></div></div>')


def small(text: str, width: int | None = None) -> str:
    """``text`` as a small HTML caption."""
    from html import escape
    size = f";width:{width}px" if width else ""
    return f'<div style="font-size:11px{size}">{escape(text)}</div>'


def output_caption() -> str:
    return small(pmsg("playground", "Output: orange is class 0, blue is class 1; filled dots "
                                    "train, ringed dots test."), 260)


# ---- the widget ---------------------------------------------------------------------------------


def widgets_available() -> bool:
    """True in an IPython kernel with ipywidgets importable (a front end may still be missing:
    the widget then carries its static picture as a fallback)."""
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


REDRAW_SECONDS = 0.05         # while playing, steps for about this long, then one redraw


class Playground:
    """The interactive playground: ipywidgets 8 controls and views around a Trainer."""

    def __init__(self, namespace: dict | None = None, dataset: str = "circle", noise: float = 0.0,
                 train_percent: int = 50, hidden=(4, 4), activation: str = "tanh", lr: float = 0.03,
                 optimiser: str = "sgd", batch_size: int = 10, seed: int = 0, mine: bool = True,
                 checker: Callable = run_check_quietly):
        from html import escape

        import ipywidgets as w
        self.namespace, self.checker, self.seed = namespace or {}, checker, seed
        self.task = None
        def lay():           # a Layout each: hiding one control must not hide the others
            return w.Layout(width="250px")
        style = {"description_width": "110px"}
        words = names()
        self.dataset = w.Dropdown(options=[(words[d], d) for d in DATASETS], value=dataset,
                                  description=pmsg("playground", "Data set"), layout=lay(), style=style)
        self.noise = w.FloatSlider(value=noise, min=0.0, max=0.5, step=0.05, layout=lay(), style=style,
                                   description=pmsg("playground", "Noise"))
        self.train_percent = w.IntSlider(value=train_percent, min=10, max=90, step=10, layout=lay(),
                                         style=style, description=pmsg("playground", "Training data (%)"))
        self.layers = w.IntSlider(value=len(hidden), min=0, max=MAX_LAYERS, layout=lay(), style=style,
                                  description=pmsg("playground", "Hidden layers"))
        units = list(hidden) + [4] * (MAX_LAYERS - len(hidden))
        self.units = [w.IntSlider(value=units[i], min=1, max=MAX_UNITS, layout=lay(), style=style,
                                  description=pmsg("playground", "Units in layer {layer}", layer=i + 1))
                      for i in range(MAX_LAYERS)]
        self.activation = w.Dropdown(options=[(words[a], a) for a in ACTIVATIONS], value=activation,
                                     description=pmsg("playground", "Activation"), layout=lay(), style=style)
        self.lr = w.Dropdown(options=[(str(r), r) for r in LEARNING_RATES], value=lr,
                             description=pmsg("playground", "Learning rate"), layout=lay(), style=style)
        self.optimiser = w.Dropdown(options=[(words[o], o) for o in OPTIMISERS], value=optimiser,
                                    description=pmsg("playground", "Optimiser"), layout=lay(), style=style)
        self.batch_size = w.IntSlider(value=batch_size, min=1, max=30, layout=lay(), style=style,
                                      description=pmsg("playground", "Batch size"))
        self.whose = w.ToggleButtons(options=[(pmsg("playground", "mine (from this notebook)"), True),
                                              (pmsg("playground", "the course's (blocks)"), False)],
                                     value=mine, description=pmsg("playground", "Functions"),
                                     style={"button_width": "170px"})
        button = w.Layout(width="90px")
        self.play = w.ToggleButton(value=False, description=pmsg("playground", "Play"), icon="play",
                                   layout=button)
        self.step_button = w.Button(description=pmsg("playground", "Step"), icon="step-forward",
                                    layout=button)
        self.reset_button = w.Button(description=pmsg("playground", "Reset"), icon="undo", layout=button)
        for b in (self.play, self.step_button, self.reset_button):
            b.add_class("pg-" + {self.play: "play", self.step_button: "step",
                                 self.reset_button: "reset"}[b])
        self.loss_text = w.HTML().add_class("pg-loss")
        self.curve = w.HTML()
        self.picture = w.Image(format="png", layout=w.Layout(width="260px", height="260px"))
        self.picture.add_class("pg-picture")
        self.neurons = w.HBox()
        self.origin_text = w.HTML().add_class("pg-origin")
        self.warning = w.HTML().add_class("pg-warning")

        controls = w.VBox([self.dataset, self.noise, self.train_percent, self.layers, *self.units,
                           self.activation, self.lr, self.optimiser, self.batch_size])
        output = w.VBox([self.picture, w.HTML(output_caption()), self.loss_text, self.curve,
                         w.HTML(small(pmsg("playground", "Loss per step: training (dark), test (blue).")))])
        network = w.VBox([w.HTML(small(pmsg("playground", "Each hidden neuron's output over the plane "
                                                          "(scaled to its own largest value)."), 300)),
                          self.neurons])
        title = escape(pmsg("playground", "Playground: your network learning"))
        self.widget = w.VBox([w.HTML(f"<h3>{title}</h3>"),
                              w.HBox([self.play, self.step_button, self.reset_button]),
                              w.HBox([controls, network, output]), self.whose, self.origin_text,
                              self.warning])
        self.widget.add_class("pg-playground")

        for c in (self.dataset, self.noise, self.train_percent, self.layers, *self.units,
                  self.activation, self.whose):
            c.observe(self.on_rebuild, names="value")
        self.lr.observe(self.on_lr, names="value")
        self.batch_size.observe(self.on_batch_size, names="value")
        self.optimiser.observe(self.on_optimiser, names="value")
        self.play.observe(self.on_play, names="value")
        self.step_button.on_click(lambda _: self.do_step())
        self.reset_button.on_click(lambda _: self.rebuild())
        self.rebuild()

    # --- building and drawing ---
    def make_trainer(self) -> Trainer:
        data = make_data(self.dataset.value, noise=self.noise.value,
                         train_fraction=self.train_percent.value / 100, seed=self.seed)
        self.choice = choose(self.namespace, self.whose.value, self.checker)
        hidden = [u.value for u in self.units[:self.layers.value]]
        return Trainer(data, hidden, self.activation.value, self.lr.value, self.optimiser.value,
                       self.batch_size.value, self.seed, self.choice)

    def rebuild(self, *_):
        for i, u in enumerate(self.units):
            u.layout.display = None if i < self.layers.value else "none"
        self.trainer = self.make_trainer()
        self.draw()

    def draw(self):
        from html import escape
        t = self.trainer
        plane = t.over_plane(50)
        self.picture.value = png(boundary_picture(t, plane=plane))
        self.loss_text.value = f"<b>{escape(t.summary())}</b>"
        self.curve.value = loss_svg(t)
        self.draw_neurons(plane)
        yours = [n for n in FUNCTIONS if t.choice.origin[n] == "yours"]
        self.origin_text.value = "<br>".join(
            escape(n) for n in [*t.choice.reading, *t.choice.notes, *t.notes]) + \
            f'<span class="pg-yours" data-count="{len(yours)}"></span>'
        diverged = pmsg("playground", "The loss is no longer a number: the learning rate is too high "
                                      "for this network. Lower it and press Reset.")
        self.warning.value = f"<b style='color:#b00'>{escape(diverged)}</b>" if t.diverged() else ""

    def draw_neurons(self, plane):
        """One Image per hidden neuron, made again only when the layers change (the old ones
        closed, so the browser does not collect widgets), else only their pictures replaced."""
        import ipywidgets as w
        pictures = neuron_pictures(self.trainer, plane=plane)
        shape = [len(layer) for layer in pictures]
        if shape != getattr(self, "neuron_shape", None):
            for old in getattr(self, "neuron_widgets", []):
                old.close()
            self.neuron_images = [[w.Image(format="png") for _ in layer] for layer in pictures]
            columns = [w.VBox([w.HTML(small(pmsg("playground", "layer {layer}", layer=l + 1))), *images])
                       for l, images in enumerate(self.neuron_images)]
            flat = pmsg("playground", "No hidden layer: the output is one sigmoid neuron, so the boundary "
                                      "is a straight line.")
            self.neurons.children = columns or [w.HTML(small(flat, 200))]
            self.neuron_widgets = [*self.neurons.children,
                                   *[box.children[0] for box in columns],
                                   *[i for images in self.neuron_images for i in images]]
            self.neuron_shape = shape
        for images, layer in zip(self.neuron_images, pictures):
            for image, picture in zip(images, layer):
                image.value = png(picture)

    # --- events ---
    def on_rebuild(self, _):
        self.rebuild()

    def on_lr(self, change):
        self.trainer.lr = change["new"]

    def on_batch_size(self, change):
        self.trainer.batch_size = change["new"]

    def on_optimiser(self, change):
        self.trainer.optimiser = change["new"]
        self.trainer.reset_optimiser()

    def do_step(self):
        self.trainer.step(1)
        self.draw()

    def on_play(self, change):
        import asyncio
        self.play.description = pmsg("playground", "Pause") if change["new"] else pmsg("playground", "Play")
        self.play.icon = "pause" if change["new"] else "play"
        if change["new"] and (self.task is None or self.task.done()):
            self.task = asyncio.ensure_future(self.run())

    async def run(self):
        """Steps for REDRAW_SECONDS, redraws, yields to the kernel (so Pause is heard), again."""
        import asyncio
        from html import escape
        try:
            while self.play.value:
                start = time.perf_counter()
                while time.perf_counter() - start < REDRAW_SECONDS:
                    self.trainer.step(1)
                self.draw()
                if self.trainer.diverged():
                    self.play.value = False
                await asyncio.sleep(0.01)
        except Exception as e:  # noqa: BLE001 -- a background task's error would go unseen
            self.play.value = False
            self.warning.value = f"<b style='color:#b00'>{escape(f'{type(e).__name__}: {e}')}</b>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = static_sentence()
        bundle["text/html"] = static_html(self.trainer, static_sentence())
        return bundle


def show(namespace: dict | None = None, **settings):
    """The playground in a notebook, running the functions of ``namespace`` (pass ``globals()``)
    where they pass their checks. Without widgets: the starting picture and a sentence.
    ``settings``: dataset, noise, train_percent, hidden, activation, lr, optimiser, batch_size,
    seed, mine (False: the course's functions)."""
    if widgets_available():
        from IPython.display import display
        p = Playground(namespace, **settings)
        display(p)
        return p
    return show_static(namespace, **settings)


def show_static(namespace: dict | None = None, dataset="circle", noise=0.0, train_percent=50,
                hidden=(4, 4), activation="tanh", lr=0.03, optimiser="sgd", batch_size=10, seed=0,
                mine=True, checker: Callable = run_check_quietly):
    """The fallback: in IPython, the sentence and the starting picture as HTML; elsewhere the
    sentence printed. Returns the Trainer, so a script can still train it."""
    choice = choose(namespace, mine, checker)
    data = make_data(dataset, noise=noise, train_fraction=train_percent / 100, seed=seed)
    trainer = Trainer(data, hidden, activation, lr, optimiser, batch_size, seed, choice)
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
        in_ipython = get_ipython() is not None
    except ImportError:
        in_ipython = False
    if in_ipython:
        display(HTML(static_html(trainer, static_sentence())))
    else:
        print(pmsg("playground", "The playground needs a notebook (JupyterLab with ipywidgets); here "
                                 "it can only describe itself."))
        print(trainer.summary())
    return trainer


# ---- the 2-3-1 network of lesson 03, step by step ----------------------------------------------

# Lesson 03's hand-computed network: input (1, 2), 3 hidden ReLU units, 1 ReLU output.
LESSON03 = {"x": np.array([[1.0, 2.0]]),
            "W1": np.array([[0.2, -0.5, 1.0], [0.4, 0.1, -0.3]]), "b1": np.array([[0.1, 0.0, -0.2]]),
            "W2": np.array([[0.5], [-1.0], [2.0]]), "b2": np.array([[0.3]]), "y": np.array([[1.0]])}
GRADIENT_TOLERANCE = 1e-6


@dataclass
class Walk:
    """One forward and backward pass of the 2-3-1 network on one example, with the MSE loss
    (a - y)^2: Z1, A1 (1, 3), Z2, A2 (1, 1), loss; grads [(dW1, db1), (dW2, db2)]; dZ1, dZ2;
    ``error``, the largest relative error between ``grads`` and centred differences of the loss
    (``None`` when a ReLU input sits within ``kink`` of 0, where the two may honestly differ)."""
    values: dict
    activations: list
    Z1: np.ndarray
    A1: np.ndarray
    Z2: np.ndarray
    A2: np.ndarray
    loss: float
    grads: list
    dZ1: np.ndarray
    dZ2: np.ndarray
    error: float | None = None
    kink: bool = False


def walk(values: dict | None = None, activations=("relu", "relu"),
         choice: Choice | None = None, h: float = 1e-5) -> Walk:
    """The 2-3-1 network's forward pass, loss, backward pass (``choice``'s forward and backward:
    yours or the course's) and a numerical check of every gradient (blocks' numerical_gradient
    on the loss computed by blocks.forward, so the check does not trust what it checks)."""
    v = {k: np.array(a, dtype=float) for k, a in {**LESSON03, **(values or {})}.items()}
    f = (choice or course_choice()).functions
    acts = list(activations)
    params = [(v["W1"], v["b1"]), (v["W2"], v["b2"])]
    with np.errstate(all="ignore"):
        A2, cache = f["forward"](v["x"], params, acts)
        dA2 = blocks.mse_loss_grad(A2, v["y"])
        grads = f["backward"](dA2, cache, params, acts)
    (_, Z1), (A1, Z2) = cache
    dZ2 = blocks.activation_backward(dA2, Z2, acts[1])
    dZ1 = blocks.activation_backward(dZ2 @ v["W2"].T, Z1, acts[0])
    kink = any(a == "relu" and np.min(np.abs(z)) < 10 * h for a, z in zip(acts, (Z1, Z2)))
    error = None
    if not kink:
        def loss_of(k):
            def f_loss(arr):
                p = {**v, k: arr}
                out, _ = blocks.forward(p["x"], [(p["W1"], p["b1"]), (p["W2"], p["b2"])], acts)
                return blocks.mse_loss(out, p["y"])
            return f_loss
        mine = {"W1": grads[0][0], "b1": grads[0][1], "W2": grads[1][0], "b2": grads[1][1]}
        error = max(blocks.relative_error(np.reshape(mine[k], v[k].shape),
                                          blocks.numerical_gradient(loss_of(k), v[k].copy(), h))
                    for k in mine)
    return Walk(v, acts, Z1, A1, Z2, A2, blocks.mse_loss(A2, v["y"]), grads, dZ1, dZ2, error, kink)


def walk_summary(w: Walk) -> str:
    """The loss line and the gradient check's verdict, in the learner's language."""
    line = pmsg("playground", "prediction {prediction}, target {target}, loss (a - y)^2 = {loss}",
                prediction=format(w.A2.item(), ".4f"), target=format(w.values["y"].item(), ".4f"),
                loss=format(w.loss, ".4f"))
    if w.error is None:
        return line
    verdict = pmsg("playground", "they agree") if w.error < GRADIENT_TOLERANCE \
        else pmsg("playground", "they do NOT agree")
    return line + "\n" + pmsg("playground", "Gradients checked numerically: largest relative error "
                                            "{error} ({verdict}).", error=format(w.error, ".1e"), verdict=verdict)


def walk_svg(w: Walk, gradients: bool = True, width: int = 640, height: int = 330) -> str:
    """The network as an SVG: weights (blue) on the edges, z and a on the nodes; with
    ``gradients``, dL/dw (red) on the edges and dL/db, dL/dz at the nodes."""
    xs = (70, 320, 570)
    ys = ((110, 220), (60, 165, 270), (165,))
    dW = [np.reshape(g[0], p.shape) for g, p in zip(w.grads, (w.values["W1"], w.values["W2"]))]
    db = [np.ravel(g[1]) for g in w.grads]
    parts = [(f'<svg class="pg-walk" width="{width}" height="{height}" '
              'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">')]
    for l, W in enumerate((w.values["W1"], w.values["W2"])):
        for i, y0 in enumerate(ys[l]):
            for j, y1 in enumerate(ys[l + 1]):
                x0, x1 = xs[l] + 28, xs[l + 1] - 28
                parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#aaa"/>')
                # labels at a third of the way (first layer) or two thirds, so they do not collide
                f = 0.28 if l == 0 else 0.62
                lx, ly = x0 + f * (x1 - x0), y0 + f * (y1 - y0)
                parts.append(f'<text x="{lx:.0f}" y="{ly - 3:.0f}" fill="#0877bd">w={W[i, j]:.2f}</text>')
                if gradients:
                    parts.append(f'<text class="pg-grad" x="{lx:.0f}" y="{ly + 10:.0f}" fill="#c00">'
                                 f'{dW[l][i, j]:+.3f}</text>')
    nodes = [[(f"x{i + 1}={w.values['x'][0, i]:.2f}", "") for i in range(2)],
             [(f"z={w.Z1[0, j]:.2f}", f"a={w.A1[0, j]:.2f}") for j in range(3)],
             [(f"z={w.Z2[0, 0]:.2f}", f"a={w.A2[0, 0]:.3f}")]]
    for l, layer in enumerate(nodes):
        for k, ((top, bottom), y) in enumerate(zip(layer, ys[l])):
            parts.append(f'<circle cx="{xs[l]}" cy="{y}" r="27" fill="#fff" stroke="#333"/>')
            parts.append(f'<text x="{xs[l]}" y="{y - 2}" text-anchor="middle">{top}</text>')
            parts.append(f'<text x="{xs[l]}" y="{y + 11}" text-anchor="middle">{bottom}</text>')
            if l > 0:
                b = w.values["b1" if l == 1 else "b2"][0, k]
                parts.append(f'<text x="{xs[l]}" y="{y - 32}" text-anchor="middle" fill="#0877bd">'
                             f'b={b:.2f}</text>')
                if gradients:
                    dz = (w.dZ1 if l == 1 else w.dZ2)[0, k]
                    parts.append(f'<text class="pg-grad" x="{xs[l]}" y="{y + 42}" text-anchor="middle" '
                                 f'fill="#c00">dL/db={db[l - 1][k]:+.3f} dL/dz={dz:+.3f}</text>')
    parts.append(f'<text x="{xs[2] + 32}" y="{ys[2][0] + 4}">→ L={w.loss:.4f}</text></svg>')
    return "".join(parts)


class StepByStep:
    """The 2-3-1 network with a slider for every weight, bias, input and the target, and a
    Backward switch that writes each gradient on its edge."""

    def __init__(self, namespace: dict | None = None, mine: bool = True,
                 checker: Callable = run_check_quietly):
        import ipywidgets as w
        self.choice = choose(namespace, mine, checker)
        self.sliders = {}
        words = names()
        style = {"description_width": "48px"}

        def lay():
            return w.Layout(width="210px")
        for k, a in LESSON03.items():
            for idx in np.ndindex(a.shape):
                name = "y" if k == "y" else f"{k}[{idx[0] + 1},{idx[1] + 1}]" if k[0] == "W" \
                    else f"x{idx[1] + 1}" if k == "x" else f"{k}[{idx[1] + 1}]"
                lo, hi = (-3.0, 3.0) if k in ("x", "y") else (-2.0, 2.0)
                self.sliders[k, idx] = w.FloatSlider(value=float(a[idx]), min=lo, max=hi, step=0.05,
                                                     description=name, style=style, layout=lay(),
                                                     readout_format=".2f")
        self.hidden = w.Dropdown(options=[(words[a], a) for a in ACTIVATIONS], value="relu",
                                 description=pmsg("playground", "Activation of layer {layer}", layer=1),
                                 layout=lay())
        self.output = w.Dropdown(options=[(words[a], a) for a in ACTIVATIONS], value="relu",
                                 description=pmsg("playground", "Activation of layer {layer}", layer=2),
                                 layout=lay())
        self.backward = w.ToggleButton(value=False, description=pmsg("playground", "Backward"),
                                       icon="arrow-left")
        self.backward.add_class("pg-backward")
        self.picture = w.HTML().add_class("pg-walk-picture")
        self.text = w.HTML().add_class("pg-walk-text")
        groups = {}
        for (k, _), s in self.sliders.items():
            groups.setdefault(k, []).append(s)
        for s in self.sliders.values():
            s.observe(self.draw, names="value")
        for c in (self.hidden, self.output, self.backward):
            c.observe(self.draw, names="value")
        from html import escape
        title = pmsg("playground", "The 2-3-1 network of lesson 03, one edge at a time")
        explain = pmsg("playground", "Blue numbers on the edges are the weights, on the nodes z and "
                                     "a = f(z). After Backward, red numbers are the gradients dL/dw "
                                     "on each edge and dL/db, dL/dz at each node.")
        self.widget = w.VBox([w.HTML(f"<h3>{escape(title)}</h3>"), w.HTML(f"<p>{escape(explain)}</p>"),
                              w.HBox([self.hidden, self.output, self.backward]),
                              w.HBox([w.VBox(groups[k]) for k in groups]), self.picture, self.text,
                              w.HTML("<br>".join(escape(n) for n in self.choice.notes
                                                 if n.startswith(("forward", "backward"))))])
        self.draw()

    def values(self) -> dict:
        v = {k: a.copy() for k, a in LESSON03.items()}
        for (k, idx), s in self.sliders.items():
            v[k][idx] = s.value
        return v

    def draw(self, *_):
        from html import escape
        w = walk(self.values(), (self.hidden.value, self.output.value), self.choice)
        self.picture.value = walk_svg(w, gradients=self.backward.value)
        text = walk_summary(w) if self.backward.value else walk_summary(w).split("\n")[0]
        self.text.value = "<br>".join(escape(t) for t in text.split("\n"))

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        w = walk(self.values(), (self.hidden.value, self.output.value), self.choice)
        bundle["text/plain"] = static_sentence() + "\n" + walk_summary(w)
        bundle["text/html"] = walk_svg(w) + "<p>" + "<br>".join(walk_summary(w).split("\n")) + "</p>"
        return bundle


def step_by_step(namespace: dict | None = None, mine: bool = True):
    """The 2-3-1 view in a notebook (sliders and a Backward switch); without widgets, the
    network drawn with its forward values and gradients, and the gradient check's verdict."""
    if widgets_available():
        from IPython.display import display
        s = StepByStep(namespace, mine)
        display(s)
        return s
    w = walk(choice=choose(namespace, mine))
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
        if get_ipython() is not None:
            display(HTML(walk_svg(w) + "<p>" + "<br>".join(walk_summary(w).split("\n")) + "</p>"))
            return w
    except ImportError:
        pass
    print(walk_summary(w))
    return w


# ---- your functions from your lesson notebooks --------------------------------------------------

LESSONS = ("03_forward_pass", "04_loss", "05_chain_rule", "06_backpropagation", "07_weight_updates")


def from_lessons(folder=".", lessons=LESSONS, names=FUNCTIONS) -> dict:
    """A namespace with your functions, read from your saved lesson notebooks in ``folder``:
    each notebook's imports and top-level ``def``s are run (nothing else: no plots, no
    training) in a namespace of its own, and each name in FUNCTIONS is taken from the first
    notebook that defines it. For the workshop notebook: ``show(from_lessons())``.
    A notebook that is missing or cannot be read is skipped; ``namespace["_notes"]`` says why."""
    import ast
    import json
    from pathlib import Path
    found, notes = {}, []
    for lesson in lessons:
        path = Path(folder) / f"{lesson}.ipynb"
        if not path.is_file():
            notes.append(pmsg("playground", "{notebook} is not in this folder: its functions are the "
                                            "course's.", notebook=path.name))
            continue
        try:
            cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                     if c.get("cell_type") == "code"]
            namespace = {"__name__": f"lesson_{lesson[:2]}"}
            for cell in cells:
                source = "".join(cell.get("source", ""))
                source = "\n".join(line for line in source.splitlines()
                                   if not line.lstrip().startswith(("%", "!")))
                try:
                    tree = ast.parse(source)
                except SyntaxError:
                    continue                  # a cell that does not parse defines nothing here
                tree.body = [n for n in tree.body
                             if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
                exec(compile(tree, str(path.name), "exec"), namespace)  # noqa: S102 -- your own code
        except Exception as e:  # noqa: BLE001 -- a broken notebook costs only its own functions
            notes.append(pmsg("playground", "{notebook} could not be read ({error}): its functions are "
                                            "the course's.", notebook=path.name,
                              error=type(e).__name__ + ": " + str(e)))
            continue
        for name in names:
            fn = namespace.get(name)
            own = callable(fn) and getattr(fn, "__module__", None) == namespace["__name__"]
            if name not in found and own:
                found[name] = fn
    found["_notes"] = notes
    return found


ALL_LESSONS = ("01_weighted_sum", "02_activations") + LESSONS


def own_pieces(names, folder=".") -> Choice:
    """Lesson 08's pieces: for each of ``names`` (exercises of lessons 01-07), your function
    from your saved lesson notebooks in ``folder`` where it passes its check, else the
    course's blocks version; ``.functions`` in the order of ``names``, ``.notes`` says which
    is whose and why."""
    return choose(from_lessons(folder, ALL_LESSONS, names), names=tuple(names))
