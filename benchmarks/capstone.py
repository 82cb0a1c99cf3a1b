"""The capstone's networks against the libraries: accuracy and training time, same run.

    .venv/bin/python benchmarks/capstone.py [--repeats 5]

Two tasks, each trained by ``digits.fit`` (on ``blocks``) and, in the same process, by
scikit-learn's MLPClassifier with the same architecture, optimiser and hyper-parameters
(adam, lr, betas, eps, batch size, epochs, no L2 penalty, no early stopping), and by
PyTorch (CPU, float64) if it is installed:

- "UCI digits": lesson 08's reference network, 64 -> 128 ReLU -> 10 logits, on the
  course's fixed split of the UCI digits (1,079 training images of 8 x 8), 30 epochs,
  Adam lr 0.003, mini-batches of 32;
- "MNIST sample": the article's model, 784 -> 10 ReLU -> 10 (softmax), Adam lr 0.001
  (Keras' default), mini-batches of 32 (Keras' default), 10 epochs, on the course's
  stratified split of the 5,000-image MNIST sample (3,000 training images of 28 x 28).

Accuracy is on each task's held-out test set. Times are the medians of ``--repeats``
runs, the libraries taking turns, so a busy machine slows them alike; "cpu s" is the
process's CPU time (what the ratio uses: it hardly moves when other programs compete
for the cores), "wall s" the elapsed time. The last line is one JSON object.

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
import digits  # noqa: E402
from blocks import init_params  # noqa: E402

TASKS = {
    "UCI digits": dict(sizes=[64, 128, 10], epochs=30, lr=3e-3, batch_size=32, seed=0,
                       beta1=0.9, beta2=0.999, eps=1e-8, target_accuracy=0.975, target_ratio=0.7),
    "MNIST sample": dict(sizes=[784, 10, 10], epochs=10, lr=1e-3, batch_size=32, seed=0,
                         beta1=0.9, beta2=0.999, eps=1e-8, target_accuracy=0.85, target_ratio=None),
}


def data(task):
    if task == "UCI digits":
        d, scale = digits.load_digits_split(seed=0), digits.MAX_PIXEL
    else:
        d, scale = digits.load_mnist_sample_split(seed=0), digits.MNIST_MAX_PIXEL
    return {k: v / scale if k.startswith("X") else v for k, v in d.items()}


def timed(train):
    """(result of train(), cpu seconds, wall seconds)."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = train()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def ours(d, c):
    params = init_params(c["sizes"], seed=c["seed"])
    _, cpu, wall = timed(lambda: digits.fit(
        params, d["X_train"], d["y_train"], ["relu", "linear"], epochs=c["epochs"],
        lr=c["lr"], batch_size=c["batch_size"], seed=c["seed"], beta1=c["beta1"],
        beta2=c["beta2"], eps=c["eps"], verbose=False))
    labels = digits.predict_labels(d["X_test"], params, ["relu", "linear"])
    return float(np.mean(labels == d["y_test"])), cpu, wall


def sklearn_mlp(d, c):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    model = MLPClassifier(
        hidden_layer_sizes=tuple(c["sizes"][1:-1]), activation="relu", solver="adam",
        alpha=0.0, batch_size=c["batch_size"], learning_rate_init=c["lr"],
        max_iter=c["epochs"], shuffle=True, random_state=c["seed"], tol=0.0,
        n_iter_no_change=c["epochs"] + 1, early_stopping=False, beta_1=c["beta1"],
        beta_2=c["beta2"], epsilon=c["eps"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # "max_iter reached": intended
        _, cpu, wall = timed(lambda: model.fit(d["X_train"], d["y_train"]))
    assert model.n_iter_ == c["epochs"], model.n_iter_
    return float(model.score(d["X_test"], d["y_test"])), cpu, wall


def torch_mlp(d, c):
    import torch
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    torch.manual_seed(c["seed"])
    layers = []
    for n_in, n_out in zip(c["sizes"][:-1], c["sizes"][1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1]).double()
    optimiser = torch.optim.Adam(model.parameters(), lr=c["lr"], betas=(c["beta1"], c["beta2"]),
                                 eps=c["eps"])
    loss_fn = torch.nn.CrossEntropyLoss()
    X, y = torch.from_numpy(d["X_train"]), torch.from_numpy(d["y_train"])
    generator = torch.Generator().manual_seed(c["seed"])

    def train():
        for _ in range(c["epochs"]):
            order = torch.randperm(len(X), generator=generator)
            for i in range(0, len(X), c["batch_size"]):
                idx = order[i:i + c["batch_size"]]
                optimiser.zero_grad()
                loss_fn(model(X[idx]), y[idx]).backward()
                optimiser.step()

    _, cpu, wall = timed(train)
    with torch.no_grad():
        labels = model(torch.from_numpy(d["X_test"])).argmax(dim=1).numpy()
    return float(np.mean(labels == d["y_test"])), cpu, wall


def available(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def measure(runs, d, c, repeats):
    """{name: (accuracy, median cpu s, median wall s)}: the runs take turns, repeat by repeat.
    Accuracy is the seeded run's (every repeat gives the same)."""
    results = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            results[name].append(run(d, c))
    return {name: (r[0][0], statistics.median(x[1] for x in r), statistics.median(x[2] for x in r))
            for name, r in results.items()}


OURS, SKLEARN, TORCH = "ours (NumPy, blocks)", "scikit-learn MLPClassifier", "PyTorch (CPU, float64)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per library")
    args = parser.parse_args(argv)
    runs = {OURS: ours}
    if available("sklearn"):
        runs[SKLEARN] = sklearn_mlp
    else:
        print("scikit-learn is not installed, so only our figures are shown. To compare, "
              "install it next to the course (not into requirements): "
              "`.venv/bin/python -m pip install scikit-learn`, or run this script with a "
              "Python that has it.\n")
    if available("torch"):
        runs[TORCH] = torch_mlp
    figures = {}
    for task, c in TASKS.items():
        d = data(task)
        print(f"{task}: {len(d['y_train'])} train, {len(d['y_test'])} test images. Network "
              f"{'-'.join(map(str, c['sizes']))} (ReLU), Adam lr={c['lr']} betas=({c['beta1']}, "
              f"{c['beta2']}), batch {c['batch_size']}, {c['epochs']} epochs, seed {c['seed']}; "
              f"median of {args.repeats} runs.")
        results = measure(runs, d, c, args.repeats)
        cpu_ours = results[OURS][1]
        print(f"  {'':28} {'test accuracy':>14} {'cpu s':>7} {'wall s':>7} {'cpu / ours':>11}")
        for name, (accuracy, cpu, wall) in results.items():
            print(f"  {name:28} {accuracy:>14.2%} {cpu:>7.3f} {wall:>7.3f} {cpu / cpu_ours:>11.2f}")
        accuracy = results[OURS][0]
        row = {"accuracy": round(accuracy, 4), "cpu_seconds": round(cpu_ours, 4),
               "wall_seconds": round(results[OURS][2], 4),
               "target_accuracy": c["target_accuracy"]}
        if SKLEARN in results:
            sk_accuracy, sk_cpu, sk_wall = results[SKLEARN]
            row.update(sklearn_accuracy=round(sk_accuracy, 4), sklearn_cpu_seconds=round(sk_cpu, 4),
                       sklearn_wall_seconds=round(sk_wall, 4), time_ratio=round(cpu_ours / sk_cpu, 3))
            target = f" (target <= {c['target_ratio']})" if c["target_ratio"] else ""
            print(f"  ours / scikit-learn: CPU time ratio {cpu_ours / sk_cpu:.2f}{target}, "
                  f"accuracy {accuracy:.2%} against {sk_accuracy:.2%}; target accuracy "
                  f">= {c['target_accuracy']:.1%}: "
                  f"{'met' if accuracy >= c['target_accuracy'] else 'NOT met'}.")
        if TORCH in results:
            row.update(torch_accuracy=round(results[TORCH][0], 4),
                       torch_cpu_seconds=round(results[TORCH][1], 4))
        figures[task] = row
        print()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
