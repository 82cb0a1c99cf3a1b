"""What a zh-TW learner sees in the notebooks is in zh-TW: every zh-TW notebook is executed
with a hook that collects the texts of every figure it shows (titles, axis and tick labels,
legends, annotations: every visible matplotlib text artist), and its printed outputs and those
texts may hold no English word outside code spans, the notebook's own identifiers, numbers,
Python's and NumPy's own error texts and a short allow-list of names the course keeps in
English."""
import html
import io
import json
import re
import tokenize

import nbformat
import pytest

from checks.authoring import translate
from checks.authoring.execute import run
from checks.catalogue import EXERCISES
from checks.engine.source import ROOT

SOLUTIONS = sorted((ROOT / "solutions" / translate.LANG).glob("*.ipynb"))
# Names and terms the zh-TW edition keeps in English (docs/translating.md, Terms settled).
ALLOWED = {"NumPy", "Python", "Jupyter", "JupyterLab", "Keras", "MNIST", "UCI", "ReLU", "Adam",
           "SGD", "He", "LeCun", "epoch", "epochs", "sigmoid", "tanh", "relu", "softmax", "linear",
           "logits", "logit", "BCE", "MSE", "CE", "lr", "nan", "inf", "True", "False", "None",
           "dtype", "ndarray", "ndim", "shape", "float", "int", "tuple", "list", "dict", "argmax",
           "delta", "rtol", "atol", "Generator", "onehot", "ipywidgets",
           # maths: functions and Greek letters written out in printed formulas
           "log", "ln", "exp", "max", "min", "sqrt", "mean", "sum", "eps", "alpha", "beta", "eta",
           "sigma", "mu"}
# The exercises' names (check() lines, 「你的 train」).
EXERCISE_NAMES = set(EXERCISES)
# Printed lines known to be still English, per notebook, set aside until they are translated;
# each must still match a line, so that this list is emptied as they are. Empty now:
# digits.py's progress line and interrupt note render through the message layer.
PENDING: dict = {}
HOOK = """
import json as _json, matplotlib as _mpl, matplotlib.text as _text
from matplotlib.backend_bases import FigureCanvasBase as _Canvas
_SHOWN_TEXTS, _print_figure = [], _Canvas.print_figure
def _collecting(self, *args, **kwargs):
    done = _print_figure(self, *args, **kwargs)          # drawn: tick labels are set now
    _SHOWN_TEXTS.extend(t.get_text() for t in self.figure.findobj(_text.Text)
                        if t.get_visible() and t.get_text().strip())
    return done
_Canvas.print_figure = _collecting
"""
REPORT = "print('SHOWN-TEXTS' + _json.dumps(_SHOWN_TEXTS, ensure_ascii=False))"


def identifiers(nb):
    """Every name the notebook's code uses (variables, functions, attributes, keywords)."""
    names = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            names |= {t.string for t in tokenize.generate_tokens(io.StringIO(cell.source).readline)
                      if t.type == tokenize.NAME}
        except (tokenize.TokenError, IndentationError, SyntaxError):
            pass
    return names


def english_words(text, names=frozenset()):
    """The English words (three letters or more) of a shown text, once code spans, LaTeX,
    URLs and paths, code-like tokens (snake_case, dotted, with digits, indexed or called,
    before `=`, fractions such as dL/dw), the exercises' names, names the notebook's code uses
    that are not plain lowercase words (ACTIVATIONS), the text of a Python or NumPy error and
    the allow-list are set aside: a plain word such as "accuracy" counts even when the code
    has a variable of that name."""
    text = re.sub(r"`[^`]*`|\$[^$]*\$|https?://\S+|one-hot", " ", text)
    text = re.sub(r"\b\w*(?:Error|Exception|Warning)\b\s*[:：].*", " ", text)
    text = re.sub(r"\w+(?:\[[^\]]*\])+|\w+\([^()]*\)|[~.\w]*/[\w./~]+", " ", text)   # x[0], f(a), paths
    text = re.sub(r"[\w.]*[_.\d][\w.]*|\w+(?=\s*=)|\w+\(", " ", text)
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED
            and w not in EXERCISE_NAMES and not (w in names and not w.islower())]


def test_the_english_check_can_fail():
    assert english_words("最差：相對誤差 2.3e-11 -> passed") == ["passed"]
    assert english_words("gradient descent, lr = 0.04") == ["gradient", "descent"]
    assert english_words("梯度下降法，lr = 0.04：`x.shape` X_train np.dot(x) ValueError: shapes "
                         "not aligned; rtol=1e-06 f_of_w", {"np"}) == []
    assert english_words("sigmoid 的 slope", {"sigmoid"}) == ["slope"]
    assert english_words("-> FAILED") == ["FAILED"]
    assert english_words("ACTIVATIONS 把名稱對應到函式：dL/dw = 4.4", {"ACTIVATIONS"}) == []
    assert english_words("accuracy 64.3%", {"accuracy"}) == ["accuracy"]
    assert english_words("✅ train：通過。S[:, labels] 的形狀；original = [0.]；~/mnist 裡沒有") == []


def shown(path, tmp_path):
    """(printed text, figure texts) of the zh-TW notebook at ``path``, executed anew."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(HOOK))
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    nb = run(nb, path.parent, timeout=600)
    printed, figures = [], []
    for cell in nb.cells[1:]:
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stdout":
                text = out.text
                if text.startswith("SHOWN-TEXTS"):
                    figures = json.loads(text[len("SHOWN-TEXTS"):])
                    continue
                printed.append(text)
            elif out.output_type in ("execute_result", "display_data"):
                data = out.get("data", {})
                if "text/html" in data:             # what the notebook shows: the HTML's text
                    printed.append(re.sub(r"<[^>]+>", " ", html.unescape(data["text/html"])))
                elif "image/png" not in data:
                    printed.append(data.get("text/plain", ""))
            elif out.output_type == "error":
                pytest.fail(f"{path.name} failed: {out.ename}: {out.evalue}")
    return printed, figures


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_zh_tw_outputs_and_figures_have_no_english(path, tmp_path):
    names = identifiers(nbformat.read(path, as_version=4))
    printed, figures = shown(path, tmp_path)
    pending = PENDING.get(path.stem, [])
    lines = [line.strip() for text in printed for line in text.splitlines()]
    unused = [p for p in pending if not any(re.search(p, line) for line in lines)]
    assert not unused, f"translated now? remove {unused} from PENDING"
    bad = [f"printed: {line!r}: {words}" for line in lines
           if not any(re.search(p, line) for p in pending) and (words := english_words(line, names))]
    bad += [f"figure: {text!r}: {words}" for text in figures if (words := english_words(text, names))]
    assert not bad, f"{len(bad)} texts of {path.name} show English:\n" + "\n".join(bad)
    if "plt." in path.read_text(encoding="utf-8"):
        assert figures, "the hook saw no figure: it no longer catches what the notebook shows"
