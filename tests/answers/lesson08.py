import numpy as np

import blocks
import digits

# ---- predict ------------------------------------------------------------------------

def predict_softmax_first(X, params, activations):
    """argmax of the probabilities: softmax keeps the order, so the labels are the same."""
    return np.argmax(blocks.softmax(blocks.forward(X, params, activations)[0]), axis=1)


def predict_row_by_row(X, params, activations):
    A = X
    for (W, b), name in zip(params, activations):
        A = blocks.ACTIVATIONS[name](A @ W + b)
    return np.array([max(range(len(row)), key=lambda c: row[c]) for row in A], dtype=int)


def predict_own_forward(X, params, activations):
    A = X
    for (W, b), name in zip(params, activations):
        Z = np.dot(A, W) + b
        A = np.maximum(Z, 0) if name == "relu" else np.tanh(Z) if name == "tanh" else Z
    return A.argmax(1)


def logits(X, params, activations):
    return blocks.forward(X, params, activations)[0]


RIGHT = {"predict": [predict_softmax_first, predict_row_by_row, predict_own_forward]}

WRONG = {"predict": [
    (lambda X, p, a: logits(X, p, a).argmax(axis=0), "axis_0"),
    (lambda X, p, a: blocks.softmax(logits(X, p, a)), "probabilities"),
    (lambda X, p, a: logits(X, p, a), "outputs"),
    (lambda X, p, a: np.eye(logits(X, p, a).shape[1])[logits(X, p, a).argmax(axis=1)], "one_hot"),
    (lambda X, p, a: blocks.forward(X, p, a), "returned_tuple"),
    (lambda X, p, a: logits(X, p, a).argmax(axis=1).astype(float), "float_labels"),
    (lambda X, p, a: logits(X, p, a).argmax(axis=1, keepdims=True), "column"),
    (lambda X, p, a: logits(X, p, a).max(axis=1), "max_not_argmax"),
    (lambda X, p, a: logits(X, p, a).argmax(axis=1) + 1, "off_by_one"),
    (lambda X, p, a: logits(X, p, ["relu"] * len(p)).argmax(axis=1), "relu_everywhere"),
]}


# ---- train_digits -------------------------------------------------------------------

def make_train_digits(sizes=(64, 32, 10), epochs=20, lr=1e-2, seeded=True, returns="params",
                      rescale=None, in_place=False, hidden="relu", output="linear"):
    """A train_digits written with fit, with one thing optionally done wrong."""
    def train_digits(X_train, y_train, X_val, y_val, seed=0):
        if in_place:
            X_train -= X_train.mean(axis=0)
        if rescale:
            X_train = rescale(X_train)
        rng_seed = seed if seeded else None
        params = blocks.init_params(list(sizes), seed=np.random.default_rng(rng_seed))
        initial = list(params)
        history = digits.fit(params, X_train, y_train,
                               [hidden] * (len(sizes) - 2) + [output], epochs=epochs, lr=lr,
                               seed=np.random.default_rng(rng_seed), verbose=False)
        return {"params": params, "history": history, "initial": initial}[returns]
    return train_digits


def train_digits_sgd_loop(X_train, y_train, X_val, y_val, seed=0):
    """Its own loop: plain mini-batch SGD, one hidden layer of 64, no fit."""
    rng = np.random.default_rng(seed)
    params = blocks.init_params([64, 64, 10], seed=rng)
    acts = ["relu", "linear"]
    for _ in range(40):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), 16):
            idx = order[start:start + 16]
            out, cache = blocks.forward(X_train[idx], params, acts)
            grads = blocks.backward(blocks.softmax_cross_entropy_grad(out, y_train[idx]),
                                    cache, params, acts)
            params = [(W - 0.1 * dW, b - 0.1 * db) for (W, b), (dW, db) in zip(params, grads)]
    return params


def train_digits_b_flat(X_train, y_train, X_val, y_val, seed=0):
    params = make_train_digits()(X_train, y_train, X_val, y_val, seed)
    return [(W, b.ravel()) for W, b in params]


def train_digits_blows_up(X_train, y_train, X_val, y_val, seed=0):
    """Its own softmax without subtracting the row maximum, and a learning rate far too
    large: exp overflows to inf, inf / inf is nan, and nan spreads into every weight."""
    params = blocks.init_params([64, 32, 10], seed=seed)
    acts = ["relu", "linear"]
    onehot = np.eye(10)[y_train]
    with np.errstate(all="ignore"):
        for _ in range(30):
            out, cache = blocks.forward(X_train, params, acts)
            E = np.exp(out)
            dZ = (E / E.sum(axis=1, keepdims=True) - onehot) / len(X_train)
            grads = blocks.backward(dZ, cache, params, acts)
            params = [(W - 50 * dW, b - 50 * db) for (W, b), (dW, db) in zip(params, grads)]
    return params


RIGHT["train_digits"] = [
    make_train_digits(),                                     # fit, 64-32-10
    make_train_digits(sizes=(64, 10), epochs=30),            # no hidden layer at all
    train_digits_sgd_loop,
]

WRONG["train_digits"] = [
    (make_train_digits(returns="history"), "a list of (W, b) pairs"),
    (make_train_digits(returns="initial"), "about guessing"),
    (make_train_digits(epochs=2, lr=3e-4), "not enough"),
    (make_train_digits(rescale=lambda X: (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)),
     "rescale or standardise"),
    (make_train_digits(seeded=False), "different networks"),
    (make_train_digits(in_place=True), "in place"),
    (train_digits_b_flat, "every b (1, n_out)"),
    (train_digits_blows_up, "nan or inf"),
    (make_train_digits(sizes=(64, 128, 10), epochs=30, lr=3e-3, output="relu"),    # M4
     "as happens when the output layer goes through a ReLU"),
]


# ---- train_article_model ------------------------------------------------------------

def make_article(mistake=None):
    """The spec's loop written with the pieces (blocks' here), with one thing done wrong."""
    from checks.catalogue.lesson08 import article_run

    def train_article_model(X_train, y_train, epochs=10, batch_size=32, lr=0.001, seed=0):
        return article_run(X_train, y_train, epochs, batch_size, lr, seed, mistake)
    return train_article_model


def article_with_train_loop(X_train, y_train, epochs=10, batch_size=32, lr=0.001, seed=0):
    """Lesson 07's train with Adam, as a learner writes it: forward, backward, a dict of
    Adam states keyed by position."""
    rng = np.random.default_rng(seed)
    params = blocks.init_params([X_train.shape[1], 10, 10], seed=rng)
    acts = ["relu", "linear"]
    state, t = {}, 0
    for _ in range(epochs):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            logits, cache = blocks.forward(X_train[idx], params, acts)
            grads = blocks.backward(blocks.softmax_cross_entropy_grad(logits, y_train[idx]),
                                    cache, params, acts)
            t += 1
            new = []
            for l, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
                pair = []
                for k, (p, g) in enumerate(((W, dW), (b, db))):
                    m, v = state.get((l, k), (0.0, 0.0))
                    p, m, v = blocks.adam_step(p, g, m, v, t, lr)
                    state[(l, k)] = (m, v)
                    pair.append(p)
                new.append(tuple(pair))
            params = new
    return params


def article_one_hot_by_hand(X_train, y_train, epochs=10, batch_size=32, lr=0.001, seed=0):
    """One-hot labels with the gradient written out, (softmax(Z2) - Y) / m, and the ReLU's
    backward as a mask: the same steps."""
    rng = np.random.default_rng(seed)
    (W1, b1), (W2, b2) = blocks.init_params([X_train.shape[1], 10, 10], seed=rng)
    arrays = [W1, b1, W2, b2]
    ms = [np.zeros_like(a) for a in arrays]
    vs = [np.zeros_like(a) for a in arrays]
    Y = np.eye(10)[y_train]
    t = 0
    for _ in range(epochs):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            X = X_train[idx]
            W1, b1, W2, b2 = arrays
            Z1 = X @ W1 + b1
            A1 = np.maximum(Z1, 0)
            Z2 = A1 @ W2 + b2
            dZ2 = (blocks.softmax(Z2) - Y[idx]) / len(idx)
            dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
            grads = [X.T @ dZ1, dZ1.sum(axis=0, keepdims=True),
                     A1.T @ dZ2, dZ2.sum(axis=0, keepdims=True)]
            t += 1
            for k, g in enumerate(grads):
                arrays[k], ms[k], vs[k] = blocks.adam_step(arrays[k], g, ms[k], vs[k], t, lr)
    return [(arrays[0], arrays[1]), (arrays[2], arrays[3])]


def article_through_fit(X_train, y_train, epochs=10, batch_size=32, lr=0.001, seed=0):
    """The course's fit does the whole job: the same numbers, none of the learner's loop."""
    rng = np.random.default_rng(seed)
    params = blocks.init_params([X_train.shape[1], 10, 10], seed=rng)
    digits.fit(params, X_train, y_train, ["relu", "linear"], epochs, lr, batch_size, seed=rng,
               verbose=False)
    return params


RIGHT["train_article_model"] = [make_article(), article_with_train_loop,
                                article_one_hot_by_hand]

WRONG["train_article_model"] = [
    (make_article("softmax_twice"), "the softmax is applied twice"),
    (make_article("relu_output"), "the output layer goes through a ReLU"),
    (make_article("lr_hundredth"), "with lr = 0.01, not the learning rate passed in"),
    (make_article("lr_default"), "the learning rate passed in was not used"),
    (make_article("no_shuffle"), "the examples were not shuffled"),
    (make_article("shuffle_once"), "shuffled once, before the first epoch"),
    (make_article("two_generators"), "come from two generators"),
    (make_article("t_per_epoch"), "started again from 0 every epoch"),
    (make_article("shared_state"), "the four arrays share one Adam state"),
    (make_article("one_hot"), "the labels were turned into one-hot rows"),
    (make_article("epochs_ignored"), "the run matches 10 epochs"),
    (article_through_fit, "calls digits.fit, the course's provided version"),
]
