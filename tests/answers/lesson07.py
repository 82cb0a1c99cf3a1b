import numpy as np

import blocks

# ---- sgd_step ---------------------------------------------------------------------

def sgd_subtract(param, grad, lr):
    return np.subtract(param, np.multiply(lr, grad))


def sgd_copy_then_update(param, grad, lr):
    new = param.copy()
    new -= lr * grad
    return new


def sgd_in_place(param, grad, lr):
    param -= lr * grad
    return param


# ---- momentum_step ----------------------------------------------------------------

def momentum_lerp(param, grad, velocity, lr, beta=0.9):
    velocity = velocity + (1 - beta) * (grad - velocity)      # the same moving average
    return param - lr * velocity, velocity


def momentum_dict(param, grad, velocity, lr, beta=0.9):
    state = {"v": beta * velocity}
    state["v"] = state["v"] + (1.0 - beta) * grad
    step = lr * state["v"]
    return param - step, state["v"]


def momentum_classic(param, grad, velocity, lr, beta=0.9):
    velocity = beta * velocity + grad
    return param - lr * velocity, velocity


def momentum_plus(param, grad, velocity, lr, beta=0.9):
    velocity = beta * velocity + (1 - beta) * grad
    return param + lr * velocity, velocity


def momentum_swapped(param, grad, velocity, lr, beta=0.9):
    velocity = (1 - beta) * velocity + beta * grad
    return param - lr * velocity, velocity


def momentum_forgets_velocity(param, grad, velocity, lr, beta=0.9):
    new_velocity = beta * velocity + (1 - beta) * grad
    return param - lr * new_velocity, velocity


def momentum_old_velocity(param, grad, velocity, lr, beta=0.9):
    new_param = param - lr * velocity
    velocity = beta * velocity + (1 - beta) * grad
    return new_param, velocity


def momentum_negative_velocity(param, grad, velocity, lr, beta=0.9):
    velocity = beta * velocity - (1 - beta) * grad
    return param + lr * velocity, velocity


def momentum_in_place(param, grad, velocity, lr, beta=0.9):
    velocity *= beta
    velocity += (1 - beta) * grad
    return param - lr * velocity, velocity


# ---- adam_step --------------------------------------------------------------------

def adam_sqrt_of_ratio(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * np.square(grad)
    step_size = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    # Kingma and Ba's "more efficient" order, with eps rescaled so it stays the same formula
    return param - step_size * m / (np.sqrt(v) + eps * np.sqrt(1 - beta2 ** t)), m, v


def adam_named(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    new_m = beta1 * m + (1.0 - beta1) * grad
    new_v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = new_m / (1.0 - np.power(beta1, t))
    v_hat = new_v / (1.0 - np.power(beta2, t))
    return param - lr * m_hat / (v_hat ** 0.5 + eps), new_m, new_v


def adam(correct=True, t_offset=0, hats=False, eps_inside=False, sign=-1, sqrt=True,
         square=True, v_beta="beta2"):
    def step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * (grad ** 2 if square else grad)
        tt = t + t_offset
        m_hat = m / (1 - beta1 ** tt) if correct else m
        v_hat = v / (1 - (beta2 if v_beta == "beta2" else beta1) ** tt) if correct else v
        if eps_inside:
            denominator = np.sqrt(v_hat + eps)
        else:
            denominator = (np.sqrt(v_hat) if sqrt else v_hat) + eps
        new = param + sign * lr * m_hat / denominator
        return (new, m_hat, v_hat) if hats else (new, m, v)
    return step


def adam_in_place(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    param -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return param, m, v


# ---- train ------------------------------------------------------------------------

def adam_uncorrected(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return param - lr * m / (np.sqrt(v) + eps), m, v


def make_train(shuffle="each epoch", drop_last=False, sign=-1, record="full", update=True,
               seeded=True, in_place=False, adam_t="batches", reset_state=False,
               pairs="matched", adam_step=blocks.adam_step, init_seed="rng"):
    """A train written the way the lesson describes, with one thing optionally done wrong."""
    def train(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, seed=0,
              optimizer="sgd"):
        rng = np.random.default_rng(seed)
        params = blocks.init_params(
            layer_sizes, seed=None if not seeded else seed if init_seed == "seed" else rng)
        loss_fn, loss_grad = blocks.LOSSES[loss]
        m = X.shape[0]
        moments = [[(np.zeros_like(W), np.zeros_like(W)), (np.zeros_like(b), np.zeros_like(b))]
                   for W, b in params]
        t = 0
        history = {"loss": []}
        order = rng.permutation(m) if shuffle == "once" else np.arange(m)
        for epoch in range(epochs):
            if reset_state is True or (reset_state == optimizer == "momentum"):
                moments = [[(np.zeros_like(W), np.zeros_like(W)),
                            (np.zeros_like(b), np.zeros_like(b))] for W, b in params]
            if adam_t == "restarted":
                t = 0
            if shuffle == "each epoch":
                order = rng.permutation(m) if seeded else np.random.permutation(m)
            elif shuffle == "never":
                order = np.arange(m)
            if in_place:
                rng.shuffle(X)                       # (and y no longer matches X!)
                order = np.arange(m)
            stop = m - m % batch_size if drop_last else m
            batch_losses = []
            y_order = rng.permutation(m) if pairs == "two permutations" else order
            for start in range(0, stop, batch_size):
                idx = order[start:start + batch_size]
                y_idx = y_order[start:start + batch_size]
                A, cache = blocks.forward(X[idx], params, activations)
                batch_losses.append(loss_fn(A, y[y_idx]))
                grads = blocks.backward(loss_grad(A, y[y_idx]), cache, params, activations)
                t = 1 if adam_t == "fixed" else epoch + 1 if adam_t == "epochs" else \
                    t if adam_t == "per array" else t + 1
                new = []
                for l, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
                    if optimizer == "adam":
                        (mW, vW), (mb, vb) = moments[l]
                        t += adam_t == "per array"
                        W2, mW, vW = adam_step(W, dW, mW, vW, t, lr)
                        t += adam_t == "per array"
                        b2, mb, vb = adam_step(b, db, mb, vb, t, lr)
                        moments[l] = [(mW, vW), (mb, vb)]
                    elif optimizer == "momentum":
                        (vW, _), (vb, _) = moments[l]
                        W2, vW = blocks.momentum_step(W, dW, vW, lr)
                        b2, vb = blocks.momentum_step(b, db, vb, lr)
                        moments[l] = [(vW, vW), (vb, vb)]
                    else:
                        W2, b2 = W + sign * lr * dW, b + sign * lr * db
                    new.append((W2, b2))
                if update:
                    params = new
            if record == "full":
                history["loss"].append(loss_fn(blocks.forward(X, params, activations)[0], y))
            elif record == "batches":
                history["loss"].extend(batch_losses)
            elif record == "mean of batches":
                history["loss"].append(float(np.mean(batch_losses)))
        if record == "once":
            history["loss"].append(loss_fn(blocks.forward(X, params, activations)[0], y))
        return params, history
    return train


def train_by_index(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, seed=0,
                   optimizer="sgd"):
    rng = np.random.default_rng(seed)
    params = [list(p) for p in blocks.init_params(layer_sizes, seed=rng)]
    loss_fn, loss_grad = blocks.LOSSES[loss]
    m_state = {(l, k): np.zeros_like(params[l][k]) for l in range(len(params)) for k in (0, 1)}
    v_state = dict((key, value.copy()) for key, value in m_state.items())
    steps, losses = 0, []
    n = len(X)
    n_batches = int(np.ceil(n / batch_size))
    for _ in range(epochs):
        perm = rng.permutation(n)
        Xs, ys = X[perm], y[perm]
        for j in range(n_batches):
            batch = slice(j * batch_size, (j + 1) * batch_size)
            Xb, yb = Xs[batch], ys[batch]
            out, cache = blocks.forward(Xb, params, activations)
            grads = blocks.backward(loss_grad(out, yb), cache, params, activations)
            steps += 1
            for l in range(len(params)):
                for k in (0, 1):
                    if optimizer == "sgd":
                        params[l][k] = blocks.sgd_step(params[l][k], grads[l][k], lr)
                    else:
                        params[l][k], m_state[l, k], v_state[l, k] = blocks.adam_step(
                            params[l][k], grads[l][k], m_state[l, k], v_state[l, k], steps, lr)
        losses.append(loss_fn(blocks.forward(X, params, activations)[0], y))
    return [tuple(p) for p in params], {"loss": losses}


def train_shared_adam_state(X, y, layer_sizes, activations, loss, lr, epochs, batch_size,
                            seed=0, optimizer="sgd"):
    """One m and one v for every array (the walkthrough's M3): shapes clash at once."""
    rng = np.random.default_rng(seed)
    params = blocks.init_params(layer_sizes, seed=rng)
    loss_fn, loss_grad = blocks.LOSSES[loss]
    m_all = v_all = None
    t, history = 0, {"loss": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            A, cache = blocks.forward(X[idx], params, activations)
            grads = blocks.backward(loss_grad(A, y[idx]), cache, params, activations)
            t += 1
            new = []
            for (W, b), (dW, db) in zip(params, grads):
                if optimizer == "adam":
                    if m_all is None:
                        m_all, v_all = np.zeros_like(W), np.zeros_like(W)
                    W, m_all, v_all = blocks.adam_step(W, dW, m_all, v_all, t, lr)
                    b, m_all, v_all = blocks.adam_step(b, db, m_all, v_all, t, lr)
                else:
                    W, b = blocks.sgd_step(W, dW, lr), blocks.sgd_step(b, db, lr)
                new.append((W, b))
            params = new
        history["loss"].append(loss_fn(blocks.forward(X, params, activations)[0], y))
    return params, history


def train_ignores_loss(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, seed=0,
                       optimizer="sgd"):
    return make_train()(X, y, layer_sizes, activations, "softmax_cross_entropy", lr, epochs,
                        batch_size, seed)


def train_no_optimizer_argument(X, y, layer_sizes, activations, loss, lr, epochs, batch_size,
                                seed=0):
    return make_train()(X, y, layer_sizes, activations, loss, lr, epochs, batch_size, seed)


RIGHT = {
    "sgd_step": [sgd_subtract, sgd_copy_then_update, lambda param, grad, lr: param + -lr * grad],
    "momentum_step": [momentum_lerp, momentum_dict],
    "adam_step": [adam_sqrt_of_ratio, adam_named],
    "train": [make_train(), train_by_index, train_no_optimizer_argument],
}

WRONG = {
    "sgd_step": [
        (lambda param, grad, lr: param + lr * grad, "the step was added"),
        (lambda param, grad, lr: param - grad, "the learning rate is missing"),
        (lambda param, grad, lr: -lr * grad, "that is the step alone"),
        (lambda param, grad, lr: lr * grad, "that is the step lr * grad alone"),
        (lambda param, grad, lr: param - grad / lr, "divided by lr"),
        (sgd_in_place, "in place"),
    ],
    "momentum_step": [
        (momentum_classic, "The (1 - beta) is missing"),
        (momentum_plus, "The velocity follows the gradient uphill"),
        (momentum_swapped, "beta and 1 - beta are swapped"),
        (momentum_forgets_velocity, "the velocity you return is the old one"),
        (momentum_old_velocity, "moved with the old velocity"),
        (momentum_negative_velocity, "opposite sign"),
        (momentum_in_place, "in place"),
    ],
    "adam_step": [
        (adam(sign=+1), "the step was added"),
        (adam(correct=False), "the bias correction is missing"),
        (adam(t_offset=-1), "t counts from 1"),
        (adam(hats=True), "return the raw moving averages"),
        (adam(eps_inside=True), "eps belongs outside the square root"),
        (adam(sqrt=False), "the square root is missing"),
        (adam_in_place, "in place"),
        (adam(t_offset=+1), "the t you are given already counts this step"),
        (adam(square=False), "v averages the *squared* gradients"),
        (adam(v_beta="beta1"), "v's correction used beta1"),
    ],
    "train": [
        (make_train(seeded=False), "same seed"),
        (make_train(sign=+1), "went up"),
        (make_train(drop_last=True), "smaller batch"),
        (make_train(record="batches"), "one loss per epoch"),
        (make_train(record="once"), "one loss per epoch"),
        (make_train(record="mean of batches"), "whole training set"),
        (make_train(update=False), "never updated"),
        (make_train(shuffle="never"), "not shuffled"),
        (make_train(shuffle="once"), "shuffle anew"),
        (make_train(in_place=True), "in place"),
        (train_ignores_loss, 'loss="mse"'),
        (make_train(adam_t="restarted"), "started again from 1 every epoch"),
        (make_train(adam_t="fixed"), "t was 1 at every step"),
        (make_train(adam_t="epochs"), "t counted the epochs"),
        (make_train(adam_t="per array"), "for every array updated"),
        (make_train(reset_state=True), "every epoch started again from m = v = 0"),
        (make_train(reset_state="momentum"), "every epoch started again from velocity = 0"),
        (make_train(adam_step=adam_uncorrected), "no bias correction"),
        (make_train(adam_step=lambda p, g, m, v, t, lr: blocks.adam_step(p, g, m, v, t)),
         "without train's learning rate"),
        (make_train(pairs="two permutations"), "the inputs and the targets no longer match"),
        (make_train(init_seed="seed"), "not in the order the spec's random generator gives"),
        (train_shared_adam_state, "look at how train keeps adam's state"),      # M3
    ],
}
