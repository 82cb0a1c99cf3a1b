"""The capstone's network against the libraries: accuracy and training time, same run.

    .venv/bin/python benchmarks/capstone.py [--repeats 5]

Trains the reference network of lesson 08 (64 -> 128 ReLU -> 10 logits, softmax
cross-entropy, Adam, mini-batches of 32; ``digits.fit`` on ``blocks``) on the course's
fixed split of the UCI digits, and in the same process scikit-learn's MLPClassifier with
the same architecture, optimiser and hyper-parameters (adam, lr, betas, eps, batch size,
epochs, no L2 penalty, no early stopping), and PyTorch (CPU, float64) if it is installed.
Accuracy is on the held-out test set; seconds are the median training time of
``--repeats`` runs. The last line printed is one JSON object with the figures.

scikit-learn and PyTorch are optional, for this benchmark only; the course never needs them.

Every library runs with one BLAS thread (unless you set OPENBLAS_NUM_THREADS and friends
yourself), as the grader's sandbox does: on matrices this small, threads cost more than they
save, and on a busy 2-core machine they make the timings erratic for every column.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")    # before NumPy loads

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import digits    # noqa: E402
from blocks import init_params  # noqa: E402

CONFIG = dict(hidden=128, epochs=30, lr=3e-3, batch_size=32, seed=0,
              beta1=0.9, beta2=0.999, eps=1e-8)
TARGET_ACCURACY = 0.975


def data():
    d = digits.load_digits_split(seed=0)
    return {k: v / digits.MAX_PIXEL if k.startswith("X") else v for k, v in d.items()}


def ours(d, c):
    params = init_params([64, c["hidden"], 10], seed=c["seed"])
    start = time.perf_counter()
    digits.fit(params, d["X_train"], d["y_train"], ["relu", "linear"], epochs=c["epochs"],
                 lr=c["lr"], batch_size=c["batch_size"], seed=c["seed"], beta1=c["beta1"],
                 beta2=c["beta2"], eps=c["eps"], verbose=False)
    seconds = time.perf_counter() - start
    labels = digits.predict_labels(d["X_test"], params, ["relu", "linear"])
    return float(np.mean(labels == d["y_test"])), seconds


def sklearn_mlp(d, c):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    model = MLPClassifier(
        hidden_layer_sizes=(c["hidden"],), activation="relu", solver="adam", alpha=0.0,
        batch_size=c["batch_size"], learning_rate_init=c["lr"], max_iter=c["epochs"],
        shuffle=True, random_state=c["seed"], tol=0.0, n_iter_no_change=c["epochs"] + 1,
        early_stopping=False, beta_1=c["beta1"], beta_2=c["beta2"], epsilon=c["eps"])
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # "max_iter reached": intended
        model.fit(d["X_train"], d["y_train"])
    seconds = time.perf_counter() - start
    assert model.n_iter_ == c["epochs"], model.n_iter_
    return float(model.score(d["X_test"], d["y_test"])), seconds


def torch_mlp(d, c):
    import torch
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    torch.manual_seed(c["seed"])
    model = torch.nn.Sequential(torch.nn.Linear(64, c["hidden"]), torch.nn.ReLU(),
                                torch.nn.Linear(c["hidden"], 10)).double()
    optimiser = torch.optim.Adam(model.parameters(), lr=c["lr"], betas=(c["beta1"], c["beta2"]),
                                 eps=c["eps"])
    loss_fn = torch.nn.CrossEntropyLoss()
    X, y = torch.from_numpy(d["X_train"]), torch.from_numpy(d["y_train"])
    generator = torch.Generator().manual_seed(c["seed"])
    start = time.perf_counter()
    for _ in range(c["epochs"]):
        order = torch.randperm(len(X), generator=generator)
        for i in range(0, len(X), c["batch_size"]):
            idx = order[i:i + c["batch_size"]]
            optimiser.zero_grad()
            loss_fn(model(X[idx]), y[idx]).backward()
            optimiser.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        labels = model(torch.from_numpy(d["X_test"])).argmax(dim=1).numpy()
    return float(np.mean(labels == d["y_test"])), seconds


def available(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def measure(run, d, c, repeats):
    """(accuracy, median seconds): accuracy of the seeded run (every repeat is the same)."""
    results = [run(d, c) for _ in range(repeats)]
    return results[0][0], statistics.median(s for _, s in results)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per library")
    args = parser.parse_args(argv)
    d, c = data(), CONFIG
    print(f"UCI digits, fixed split: {len(d['y_train'])} train, {len(d['y_test'])} test. "
          f"Network 64-{c['hidden']}-10 (ReLU), Adam lr={c['lr']} betas=({c['beta1']}, "
          f"{c['beta2']}), batch {c['batch_size']}, {c['epochs']} epochs, seed {c['seed']}; "
          f"median of {args.repeats} runs.\n")
    runs = {"ours (NumPy, blocks)": ours}
    if available("sklearn"):
        runs["scikit-learn MLPClassifier"] = sklearn_mlp
    else:
        print("scikit-learn is not installed, so only our figures are shown. To compare, "
              "install it next to the course (not into requirements): "
              "`.venv/bin/python -m pip install scikit-learn`, or run this script with a "
              "Python that has it.\n")
    if available("torch"):
        runs["PyTorch (CPU, float64)"] = torch_mlp
    results = {name: measure(run, d, c, args.repeats) for name, run in runs.items()}
    ours_seconds = results["ours (NumPy, blocks)"][1]
    print(f"{'':28} {'test accuracy':>14} {'seconds':>9} {'time / ours':>12}")
    for name, (accuracy, seconds) in results.items():
        print(f"{name:28} {accuracy:>14.2%} {seconds:>9.3f} {seconds / ours_seconds:>12.2f}")
    accuracy, seconds = results["ours (NumPy, blocks)"]
    figures = {"accuracy": round(accuracy, 4), "seconds": round(seconds, 4),
               "target_accuracy": TARGET_ACCURACY}
    if "scikit-learn MLPClassifier" in results:
        sk_accuracy, sk_seconds = results["scikit-learn MLPClassifier"]
        figures.update(sklearn_accuracy=round(sk_accuracy, 4), sklearn_seconds=round(sk_seconds, 4),
                       time_ratio=round(seconds / sk_seconds, 3))
        print(f"\nours / scikit-learn: time ratio {seconds / sk_seconds:.2f} (target <= 1.0), "
              f"accuracy {accuracy:.2%} against {sk_accuracy:.2%}; target accuracy "
              f">= {TARGET_ACCURACY:.1%}: {'met' if accuracy >= TARGET_ACCURACY else 'NOT met'}.")
    else:
        figures.update(sklearn_accuracy=None, sklearn_seconds=None, time_ratio=None)
    if "PyTorch (CPU, float64)" in results:
        figures.update(torch_accuracy=round(results["PyTorch (CPU, float64)"][0], 4),
                       torch_seconds=round(results["PyTorch (CPU, float64)"][1], 4))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
