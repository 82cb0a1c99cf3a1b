"""Mini-batch training replayed with the course's own steps (blocks), to match a learner's
train exactly rather than by its loss going down.

From the learner's own starting weights, ``run_epochs`` replays given epochs (lists of
batches of example indices) with blocks' sgd, momentum or Adam step. On a set of three
examples every epoch can be listed (``three_example_epochs``), so ``matching_way`` finds
which order of the examples, and whether the last, smaller batch was kept, gives the
learner's weights; or which known wrong way of keeping an optimiser's state does.
"""
import itertools

import numpy as np

import blocks

# How an optimiser's state is kept: t (Adam's step count) as a function of (epoch, batch
# within the epoch, batch over all epochs, array updated within the batch; None: count
# every array updated), whether the state (m, v or the velocity) starts afresh every epoch,
# and optionally the learning rate and the step function Adam's arrays are updated with.
RIGHT_WAY = {"t": lambda epoch, j, step, k: step, "reset": False}


def run_epochs(params, X, y, acts, loss, lr, epochs, optimizer, way=RIGHT_WAY):
    """``params`` after ``epochs`` (each a list of batches of example indices) of updates with
    ``optimizer`` ("sgd", "momentum" or "adam", blocks' steps), its state kept ``way``.

    params: [(W, b), ...] as blocks.init_params gives; X: (m, n_in); y: the targets
    ``loss`` (a key of blocks.LOSSES) takes; returns the new [(W, b), ...]."""
    grad_of = blocks.LOSSES[loss][1]
    state = None
    step = count = 0
    for epoch, batches in enumerate(epochs, start=1):
        if state is None or way.get("reset"):
            state = [[(np.zeros_like(p), np.zeros_like(p)) for p in layer] for layer in params]
        for j, idx in enumerate(batches, start=1):
            A, cache = blocks.forward(X[idx], params, acts)
            grads = blocks.backward(grad_of(A, y[idx]), cache, params, acts)
            step += 1
            new = []
            for l, (layer, layer_grads) in enumerate(zip(params, grads)):
                new_layer = []
                for k, (p, g) in enumerate(zip(layer, layer_grads)):
                    count += 1
                    m, v = state[l][k]
                    if optimizer == "adam":
                        t = way.get("t", RIGHT_WAY["t"])(epoch, j, step, 2 * l + k)
                        p, m, v = way.get("step", blocks.adam_step)(
                            p, g, m, v, count if t is None else t, way.get("lr", lr))
                    elif optimizer == "momentum":
                        p, m = blocks.momentum_step(p, g, m, lr)
                    else:
                        p = blocks.sgd_step(p, g, lr)
                    state[l][k] = (m, v)
                    new_layer.append(p)
                new.append(tuple(new_layer))
            params = new
    return params


def three_example_epochs(kind, lasts):
    """The batches of epochs on a 3-example set with batch_size=2, each ending with example
    ``lasts[i]``: a batch of the other two, then (kind "full") the one left over."""
    return [[[i for i in range(3) if i != last]] + ([[last]] if kind == "full" else [])
            for last in lasts]


# Every way 2 epochs on 3 examples can go: the last batch kept ("full") or not ("dropped"),
# and which example each epoch ends with.
TWO_EPOCHS = [(kind, (l1, l2)) for kind in ("full", "dropped") for l1 in range(3)
              for l2 in range(3)]


def same_params(p, q, rtol=1e-12):
    """True when two lists of (W, b) agree within ``rtol`` (no absolute tolerance)."""
    return all(np.allclose(x, y, rtol=rtol, atol=0) for pp, qq in zip(p, q)
               for x, y in zip(pp, qq))


def loss_of(params, X, y, acts, loss):
    """The loss ``loss`` (a key of blocks.LOSSES) of ``params`` on the whole of (X, y)."""
    return blocks.LOSSES[loss][0](blocks.forward(X, params, acts)[0], y)


def matching_way(start, got, X, y, acts, loss, lr, optimizer, wrong_ways=()):
    """How 2 epochs of batch_size=2 on the 3 examples (X, y) took ``start`` to ``got``.

    Returns ("full" or "dropped", (last example of epoch 1, of epoch 2)) for the way that
    matches, ("wrong way", hint) for the first of ``wrong_ways`` ((way, hint) pairs, with
    every batch kept) that matches, or None."""
    def gives(epochs, way=RIGHT_WAY):
        return same_params(run_epochs(start, X, y, acts, loss, lr, epochs, optimizer, way), got,
                           rtol=1e-9)
    for kind, lasts in TWO_EPOCHS:
        if gives(three_example_epochs(kind, lasts)):
            return kind, lasts
    for way, hint in wrong_ways:
        for lasts in (lasts for kind, lasts in TWO_EPOCHS if kind == "full"):
            if gives(three_example_epochs("full", lasts), way):
                return "wrong way", hint
    return None


def paired_wrongly(start, got, X, y, acts, loss, lr):
    """True when ``got`` is one full-batch sgd epoch from ``start`` on the inputs paired
    with the targets in another order (X and y shuffled by different permutations), and not
    on the right pairs. A full batch makes the order of the examples irrelevant, so only the
    pairing can differ."""
    everything = [[list(range(len(X)))]]
    if same_params(run_epochs(start, X, y, acts, loss, lr, everything, "sgd"), got, rtol=1e-9):
        return False
    others = list(itertools.permutations(range(len(X))))[1:]
    return any(same_params(run_epochs(start, X, y[list(perm)], acts, loss, lr, everything,
                                      "sgd"), got, rtol=1e-9) for perm in others)
