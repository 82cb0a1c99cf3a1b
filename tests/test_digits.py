"""The capstone's data: the shipped file is the published one, the split is fixed,
stratified and disjoint, and the MNIST reader understands IDX files."""
import gzip
import hashlib

import numpy as np
import pytest

import digits
from blocks import init_params


def test_the_data_file_is_the_published_one():
    assert hashlib.sha256(digits.DATA.read_bytes()).hexdigest() == digits.SHA256


def test_all_digits_load_as_floats_and_integer_labels():
    X, y = digits.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))
    assert np.array_equal(np.unique(y), np.arange(10))


def test_the_split_has_fixed_sizes_and_is_the_same_every_time():
    d = digits.load_digits_split()
    assert [len(d[f"y_{p}"]) for p in ("train", "val", "test")] == [1079, 359, 359]
    again = digits.load_digits_split()
    assert all(np.array_equal(d[k], again[k]) for k in d)
    other = digits.load_digits_split(seed=1)
    assert not np.array_equal(d["y_test"], other["y_test"])


def test_the_split_is_stratified_disjoint_and_complete():
    X, y = digits.load_digits()
    parts = digits.stratified_split(y)
    every = np.concatenate(parts)
    assert np.array_equal(np.sort(every), np.arange(len(y)))       # each example exactly once
    for idx in parts:
        share = np.bincount(y[idx], minlength=10) / len(idx)
        assert np.allclose(share, np.bincount(y) / len(y), atol=0.005)
        assert not np.all(np.diff(y[idx]) >= 0)                       # shuffled, not sorted


def test_a_missing_data_file_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="ships with the course"):
        digits.load_digits(tmp_path / "digits.csv.gz")


def idx_bytes(array, type_code):
    header = bytes([0, 0, type_code, array.ndim]) + np.array(array.shape, ">u4").tobytes()
    return header + array.tobytes()


def write_tiny_mnist(folder, compress):
    rng = np.random.default_rng(0)
    for part, m in (("train", 60), ("t10k", 20)):
        images = rng.integers(0, 256, size=(m, 28, 28), dtype=np.uint8)
        labels = np.tile(np.arange(10, dtype=np.uint8), m // 10)
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            data, name = idx_bytes(array, 0x08), f"{part}-{kind}-ubyte"
            if compress:
                (folder / (name + ".gz")).write_bytes(gzip.compress(data))
            else:
                (folder / name).write_bytes(data)
        yield part, images, labels


@pytest.mark.parametrize("compress", [True, False])
def test_the_mnist_reader_reads_idx_files(tmp_path, compress):
    written = dict((p, (i, l)) for p, i, l in write_tiny_mnist(tmp_path, compress))
    d = digits.load_mnist_idx(tmp_path)
    assert d["X_test"].shape == (20, 784) and d["X_test"].dtype == np.float64
    assert np.array_equal(d["X_test"], written["t10k"][0].reshape(20, -1))
    assert np.array_equal(d["y_test"], written["t10k"][1])
    assert len(d["y_train"]) + len(d["y_val"]) == 60 and len(d["y_val"]) == 10
    train_images = {row.tobytes() for row in written["train"][0].reshape(60, -1).astype(float)}
    assert all(row.tobytes() in train_images for row in np.vstack([d["X_train"], d["X_val"]]))


def test_the_mnist_reader_explains_missing_and_broken_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="never downloads"):
        digits.load_mnist_idx(tmp_path)
    (tmp_path / "bad").write_bytes(b"not an idx file")
    with pytest.raises(ValueError, match="not an IDX file"):
        digits.read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(idx_bytes(np.zeros((3, 2), np.uint8), 0x08)[:-1])
    with pytest.raises(ValueError, match="truncated"):
        digits.read_idx(tmp_path / "short")


def test_fit_trains_in_place_and_keeps_everything_on_interrupt(capsys):
    d = digits.load_digits_split()
    X, y = d["X_train"][:200] / 16, d["y_train"][:200]
    params = init_params([64, 16, 10], seed=0)
    first = [tuple(p) for p in params]

    def stop_after_2(epoch, history):
        if epoch == 2:
            raise KeyboardInterrupt
    history = digits.fit(params, X, y, ["relu", "linear"], epochs=10, lr=1e-2,
                           on_epoch=stop_after_2)
    assert "Interrupted after 2 finished epochs" in capsys.readouterr().out
    assert len(history["loss"]) == 2 and history["val_loss"] == []
    assert not np.array_equal(params[0][0], first[0][0])                # trained in place
    history = digits.fit(params, X, y, ["relu", "linear"], epochs=3, lr=1e-2,
                           history=history, verbose=False)
    assert len(history["loss"]) == 5 and history["loss"][-1] < history["loss"][0]


@pytest.mark.parametrize("given", ["X_val", "y_val"])
def test_fit_refuses_half_a_validation_set_before_training(given):
    d = digits.load_digits_split()
    params = init_params([64, 10], seed=0)
    before = [W.copy() for W, _ in params]
    half = {"X_val": d["X_val"] / 16} if given == "X_val" else {"y_val": d["y_val"]}
    with pytest.raises(ValueError, match="needs both X_val and y_val"):
        digits.fit(params, d["X_train"] / 16, d["y_train"], ["linear"], epochs=1, **half)
    assert all(np.array_equal(W, b) for (W, _), b in zip(params, before))   # nothing trained
    with_both = digits.fit(params, d["X_train"][:50] / 16, d["y_train"][:50], ["linear"], epochs=1,
                           X_val=d["X_val"] / 16, y_val=d["y_val"], verbose=False)
    assert len(with_both["val_loss"]) == 1


def test_the_mnist_sample_files_are_the_published_ones():
    for kind, path in digits.MNIST_SAMPLE.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digits.MNIST_SAMPLE_SHA256[kind]


def test_the_mnist_sample_loads_500_images_of_each_digit_and_splits_stratified():
    X, y = digits.load_mnist_sample()
    assert X.shape == (5000, 784) and X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 255 and np.array_equal(X, np.round(X))
    assert np.array_equal(np.bincount(y), [500] * 10)
    d = digits.load_mnist_sample_split()
    for part, size in (("train", 300), ("val", 100), ("test", 100)):
        assert np.array_equal(np.bincount(d[f"y_{part}"], minlength=10), [size] * 10)
    rows = {row.tobytes() for row in d["X_test"]}
    assert not any(row.tobytes() in rows for row in d["X_train"])    # no image in two parts
    # an image looks like a digit: dark border, ink in the middle
    images = X.reshape(-1, 28, 28)
    assert images[:, :2, :].mean() < 1 and images[:, 10:18, 10:18].mean() > 50


def fit_with_adam_step(params, X, y, activations, epochs, lr, batch_size=32, seed=0):
    """The plainest training loop: blocks.adam_step on each W and b, new arrays every step."""
    from blocks import adam_step, backward, forward, softmax_cross_entropy_grad
    rng = np.random.default_rng(seed)
    moments = [[(np.zeros_like(p), np.zeros_like(p)) for p in layer] for layer in params]
    t = 0
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            logits, cache = forward(X[idx], params, activations)
            grads = backward(softmax_cross_entropy_grad(logits, y[idx]), cache, params,
                             activations)
            t += 1
            for i, (layer, layer_grads) in enumerate(zip(params, grads)):
                stepped = [adam_step(p, g, m, v, t, lr) for p, g, (m, v)
                           in zip(layer, layer_grads, moments[i])]
                params[i] = tuple(s[0] for s in stepped)
                moments[i] = [s[1:] for s in stepped]
    return params


@pytest.mark.parametrize("sizes", [[64, 16, 10], [64, 12, 8, 10]])
def test_fit_takes_exactly_the_steps_of_adam_step(sizes):
    """fit's flat, in-place Adam (bias corrections folded into the step) is Algorithm 1."""
    d = digits.load_digits_split()
    X, y = d["X_train"][:150] / 16, d["y_train"][:150]    # 150 = 4 batches of 32 and one of 22
    acts = ["relu"] * (len(sizes) - 2) + ["linear"]
    expected = fit_with_adam_step(init_params(sizes, seed=1), X, y, acts, epochs=3, lr=1e-2)
    params = init_params(sizes, seed=1)
    digits.fit(params, X, y, acts, epochs=3, lr=1e-2, verbose=False)
    for (W, b), (W_ref, b_ref) in zip(params, expected):
        assert W.shape == W_ref.shape and b.shape == b_ref.shape
        np.testing.assert_allclose(W, W_ref, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(b, b_ref, rtol=1e-9, atol=1e-12)


def test_evaluate_in_chunks_equals_all_at_once():
    from blocks import forward, softmax_cross_entropy
    d = digits.load_digits_split()
    params = init_params([64, 16, 10], seed=0)
    X, y = d["X_val"] / 16, d["y_val"]
    logits = forward(X, params, ["relu", "linear"])[0]
    loss, accuracy = digits.evaluate(X, y, params, ["relu", "linear"], chunk=50)
    assert loss == pytest.approx(softmax_cross_entropy(logits, y), rel=1e-12)
    assert accuracy == np.mean(logits.argmax(axis=1) == y)
