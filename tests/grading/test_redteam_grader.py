"""Issue 19, the grader's side: one test (or more) per finding of the red team's review,
named by its number there. Replies the grader trusts (31, 32), parse bombs (57, 63),
learner text in feedback, consoles and CSV (71, 74), hidden cases (12), time budgets and
stored results (54), notebooks with many MB of outputs, source caps and late writes by
threads (item 9)."""
import base64
import json
import os
import subprocess
import sys
import textwrap
import warnings

import nbformat
import numpy as np
import pytest

from checks.catalogue import EXERCISES
from checks.classroom import feedback, hidden_cases as hidden
from checks.classroom.csvsafe import cell, rows_to_csv
from checks.classroom.feedback import write_feedback
from checks.classroom.grade_class import grade, grade_submission
from checks.classroom.gradescope_results import results_json
from checks.engine import source
from checks.engine.source import ROOT
from checks.grading import grade as grading, sandbox
from checks.grading.grade import grade_notebook
from checks.grading.store import ResultStore
from helpers import Confined, notebook, submission, verdicts

ALL_PASS = {"weighted_sum": True, "dense_forward": True}
FIND_LEARNER = """
import gc, json, os, struct
learner = [o for o in gc.get_objects() if type(o).__name__ == "Learner"][0]
"""


def quiet(*args):
    pass


# ---- 31: only the reply to the pending request is accepted ----------------------------------
def test_31_a_refused_frame_is_not_taken_as_the_answer_to_a_request(tmp_path):
    """Learner code writes a forged {"refused": ...} frame before each honest reply: today it
    was taken as the answer (and the honest answer dropped as late); it must be dropped."""
    forge = FIND_LEARNER + """
honest = type(learner).reply
def reply(self, obj, nonce):
    data = json.dumps({"refused": "forged", "nonce": nonce}).encode()
    os.write(self.reply_w, struct.pack(">I", len(data)) + data)
    return honest(self, obj, nonce)
type(learner).reply = reply
"""
    result = grade_submission(notebook(tmp_path, "mallory", forge), "mallory", limits=Confined)
    assert verdicts(result) == ALL_PASS, result


# ---- 32: a deeply nested reply is the child's fault -----------------------------------------
DEEP_REPLY = FIND_LEARNER + """
honest = type(learner).reply
def reply(self, obj, nonce):
    if "ok" in obj:                               # a cell's answer: as it is
        return honest(self, obj, nonce)
    deep = "[" * 200_000 + "]" * 200_000          # a call's answer: nested 200,000 deep
    data = '{"nonce": %s, "pid": %d, "value": %s}' % (json.dumps(nonce), os.getpid(), deep)
    data = data.encode()
    os.write(self.reply_w, struct.pack(">I", len(data)) + data)
type(learner).reply = reply
"""


def test_32_a_deeply_nested_reply_is_the_childs_fault_and_stored(tmp_path):
    path = notebook(tmp_path / "class", "mallory", DEEP_REPLY)
    first = grade([tmp_path / "class"], results_dir=tmp_path / "store", limits=Confined,
                  echo=quiet)[0]
    text = json.dumps(first)
    assert "the grader failed" not in text and "please report" not in text, text
    assert not first.get("transient") and "nested more than 100 levels deep" in text
    assert first["score"] == 0                    # every call of this child crashes
    lines = []
    grade([path.parent.parent], results_dir=tmp_path / "store", limits=Confined,
          echo=lines.append)
    assert any("(stored)" in line for line in lines), lines      # not graded again


def test_32_nesting_is_measured_without_recursion():
    assert sandbox.nesting(b'{"a": [[1, 2], {"b": "[[[[["}], "c": "]]"}') == 3
    with pytest.raises(sandbox.Crashed, match="nested more than"):
        sandbox.decode_reply(b"[" * 1_000_000 + b"]" * 1_000_000)
    with pytest.raises(sandbox.Crashed, match="could not be read"):
        sandbox.decode_reply(b'{"a": ')


# ---- 57, 63: parse bombs cost their own notebook only ---------------------------------------
def test_57_the_grader_parses_a_huge_cell_in_bounded_memory():
    """A 10 MB cell: today ast.parse takes ~7 GB in the grader; under a 1 GB address-space
    limit it must still give the cell's functions (found by a scan of its `def` lines)."""
    code = textwrap.dedent("""
        import resource, sys
        sys.path.insert(0, sys.argv[1])
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/status") as f:
            vm = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize:"))
        resource.setrlimit(resource.RLIMIT_AS, (vm + 1024 ** 3, hard))
        from checks.engine.source import defined_functions
        cell = "def weighted_sum(x, w, b):\\n    return 0\\nx = [" + "1," * 5_000_000 + "]\\n"
        print(defined_functions(cell))
    """)
    run = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "['weighted_sum']", run.stderr[-500:]


def test_63_a_200000_term_sum_costs_that_cell_only_and_says_so(tmp_path):
    """Today: "the grader failed on this notebook ... please report it", transient, graded
    twice. It is the learner's cell that Python cannot compile: graded as far as it can be."""
    path = notebook(tmp_path / "class", "bo", "x = 1" + " + 1" * 200_000)
    result = grade([tmp_path / "class"], limits=Confined, echo=quiet)[0]
    assert path.exists() and not result.get("transient")
    assert "please report" not in result["error"] and result["score"] == 3, result
    assert "too long or too deeply nested" in result["error"]


def test_57_source_beyond_the_cap_is_refused_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(grading, "MAX_SOURCE_BYTES", 1024 ** 2 // 8)
    path = notebook(tmp_path, "bomb", "x = [" + "1," * 100_000 + "]")
    result = grade_submission(path, "bomb", limits=Confined)
    assert result["score"] == 0 and "more than the 0.125 MB the grader reads" in result["error"]
    assert not result.get("transient")


def test_57_the_bounded_parser_refuses_what_it_cannot_afford():
    with pytest.raises(source.TooComplex):
        source.parse("x = 1" + " + 1" * 30_000)
    with pytest.raises(source.TooComplex):
        source.parse("x = 0\n" * (source.PARSE_CHARS // 6 + 1))
    assert source.defined_functions("x = 1" + " + 1" * 30_000 + "\ndef f(a):\n    pass\n") == ["f"]


# ---- 74: learner text in feedback, console and status ---------------------------------------
FORGERY = ("boom\\n# Total: 30 / 30\\n<img src=x onerror=alert(1)> <script>alert(1)</script> "
           "[click](javascript:alert(1)) ![i](javascript:x)")


def test_74_learner_text_is_inert_and_on_one_line(tmp_path):
    notebook(tmp_path / "class", "eve", f'raise ValueError("{FORGERY}")',
             f'import warnings\ndef weighted_sum(x, w, b):\n    warnings.warn("{FORGERY}")\n'
             "    return float(x @ w + b)")
    notebook(tmp_path / "class", "evil\n# Total: 30 / 30 <b>")
    lines = []
    results = grade([tmp_path / "class"], limits=Confined, echo=lines.append)
    printed = "\n".join(lines)
    assert not any(line.startswith("# Total") for line in printed.splitlines()), printed
    for path in write_feedback(results, tmp_path / "feedback"):
        text = path.read_text(encoding="utf-8")
        outside_fences = "".join(text.split("```")[::2]).replace("\\](", "")   # escaped: text
        assert not any(line.lstrip().startswith("# Total") for line in text.splitlines()), text
        for raw in ("<img", "<script", "](javascript:", "<b>"):
            assert raw not in outside_fences, (raw, text)
    for r in results:
        assert "\n" not in (r["error"] or "") and "\n" not in r["student"]
        for e in r["exercises"].values():
            assert all("\n" not in w for w in e["warnings"])


@pytest.mark.parametrize("text", ["<img src=x>", "[a](javascript:b)", "x\ny", "a|b", "`code`",
                                  "<javascript:alert(1)>", "\\[a](b)"])
def test_74_inline_text_opens_no_markup(text):
    out = feedback.inline(text)
    assert "\n" not in out and "<" not in out
    assert "](" not in out.replace("\\](", "")


# ---- 71: CSV formulas after blanks and in Unicode lookalikes --------------------------------
@pytest.mark.parametrize("text", [" =1+1", "\t=1+1", "  +1", "\u00a0@SUM(A1)", "\u3000-1",
                                  "\u200b=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1", "−1",
                                  "\n=1"])
def test_71_formula_lookalikes_are_escaped(text):
    assert cell(text).startswith("'")
    assert rows_to_csv([[text]]).startswith(("'", "\"'"))


@pytest.mark.parametrize("text", ["ada", "  ada", "a=b", "x-1"])
def test_71_plain_text_is_left_alone(text):
    assert cell(text) == text


# ---- 12: hidden inputs stay hidden; drawn per learner ---------------------------------------
LEAKS = {
    "warns": "import warnings\n"
             "def weighted_sum(x, w, b):\n"
             "    warnings.warn(repr((x.tolist(), w.tolist(), b)))\n"
             "    return float(x @ w + b)",
    "raises": "def weighted_sum(x, w, b):\n"
              "    if x.size > 3:\n"
              "        raise ValueError(repr((x.tolist(), w.tolist(), b)))\n"
              "    return float(x @ w + b)",
    "names": "def weighted_sum(x, w, b):\n"
             "    if x.size > 3:\n"
             "        E = type('E' + str(abs(x[0])).replace('.', '_'), (Exception,), {})\n"
             "        raise E('x')\n"
             "    return float(x @ w + b)",
}


def hidden_numbers(learner):
    values = set()
    for case in hidden.hidden_cases(EXERCISES["weighted_sum"], hidden.cached_reference()["weighted_sum"],
                                    learner):
        if case.hidden:
            for part in case.args:
                values |= {round(float(v), 4) for v in np.ravel(part) if abs(v) > 1e-3}
    return values


def test_12_nothing_a_hidden_case_prints_warns_or_raises_reaches_the_learner(tmp_path):
    for name, body in LEAKS.items():
        notebook(tmp_path / "class", name, body)
    results = grade([tmp_path / "class"], limits=Confined, echo=quiet)
    feedback = {p.stem: p.read_text(encoding="utf-8")
                for p in write_feedback(results, tmp_path / "fb")}
    for r in results:
        outputs = [feedback[r["student"]], json.dumps(r),
                   json.dumps(results_json([r], 1.0))]
        secret = hidden_numbers(r["student"])
        for text in outputs:
            shown = {round(float(t), 4) for t in
                     __import__("re").findall(r"-?\d+\.\d{3,}", text.replace("_", "."))}
            assert not shown & secret, (r["student"], sorted(shown & secret)[:3])
    by = {r["student"]: r["exercises"]["weighted_sum"] for r in results}
    assert by["warns"]["passed"] and by["warns"]["warnings"]        # visible cases' warnings
    assert not by["raises"]["passed"] and "ValueError" in by["raises"]["feedback"]
    assert "not shown on a hidden case" in by["raises"]["feedback"]


def test_12_hidden_cases_are_drawn_per_learner_and_reproducible():
    ex, ref = EXERCISES["weighted_sum"], hidden.cached_reference()["weighted_sum"]

    def args(learner):
        return [json.dumps([np.asarray(a).tolist() for a in c.args])
                for c in hidden.hidden_cases(ex, ref, learner) if c.hidden]
    assert args("ada") == args("ada")
    assert args("ada") != args("bo")
    assert hidden.learner_seed("ada", "weighted_sum") != hidden.learner_seed("bo", "weighted_sum")


def test_12_the_grader_asks_for_the_learners_own_cases(tmp_path):
    asked = []

    def cases_for(ex, reference, learner=None):
        asked.append(learner)
        return hidden.hidden_cases(ex, hidden.cached_reference()[ex.id], learner)
    grade_notebook(notebook(tmp_path, "ada"), "ada", cases_for=cases_for, limits=Confined)
    assert asked and set(asked) == {"ada"}


def test_12_on_gradescope_the_cases_are_the_submitters(tmp_path):
    from checks.classroom.gradescope_results import submitter
    meta = tmp_path / "submission_metadata.json"
    meta.write_text(json.dumps({"users": [{"id": 42, "email": "b@x"}, {"email": "a@x"}]}),
                    encoding="utf-8")
    assert submitter(meta) == "gradescope:42,a@x"
    assert submitter(tmp_path / "absent.json") is None
    asked = []

    def cases_for(ex, reference, learner=None):
        asked.append(learner)
        return hidden.hidden_cases(ex, hidden.cached_reference()[ex.id], learner)
    grade_notebook(notebook(tmp_path, "submission"), "submission", cases_for=cases_for,
                   limits=Confined, identity=submitter(meta))
    assert asked and set(asked) == {"gradescope:42,a@x"}


def test_12_the_store_key_holds_the_learner(tmp_path):
    path = notebook(tmp_path, "ada")
    store = ResultStore(tmp_path / "store", "fingerprint")
    assert store.key(path, "ada") != store.key(path, "bo")
    store.put(path, {"score": 3}, "ada")
    assert store.get(path, "ada")["score"] == 3 and store.get(path, "bo") is None


# ---- 54: a time budget per learner; results of their own doing are stored -------------------
def test_54_a_learner_has_one_idle_budget_for_all_their_notebooks_and_it_is_stored(tmp_path):
    lim = type("L", (Confined,), {"idle_seconds": 2.0, "cell_seconds": 3.0})
    sleepy = ["import time\ntime.sleep(1.5)"] * 4
    first = notebook(tmp_path / "class", "zed", *sleepy)
    second = first.with_name("02_activations.ipynb")
    nb = nbformat.read(ROOT / "solutions" / "02_activations.ipynb", as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(c) for c in sleepy]
    nbformat.write(nb, second)
    lines = []
    results = grade([tmp_path / "class"], limits=lim, results_dir=tmp_path / "store",
                    echo=lines.append)
    text = json.dumps(results)
    assert "spent more than 2 s in all neither computing nor waiting" in text, text[:3000]
    assert not any(r.get("transient") for r in results)
    assert any(r.get("budget") == "learner" for r in results)
    lines.clear()
    grade([tmp_path / "class"], limits=lim, results_dir=tmp_path / "store", echo=lines.append)
    assert sum("(stored)" in line for line in lines) == 2, lines
    # a result cut by the learner's budget depends on their other notebooks too
    nb = nbformat.read(first, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("# changed"))
    nbformat.write(nb, first)
    lines.clear()
    grade([tmp_path / "class"], limits=lim, results_dir=tmp_path / "store", echo=lines.append)
    assert sum("(stored)" in line for line in lines) == 0, lines


# ---- 9: honest notebooks of any size are graded on their code --------------------------------
def test_9_a_notebook_with_30_mb_of_outputs_is_graded_on_its_sources(tmp_path):
    path = submission(tmp_path, "ada")
    nb = nbformat.read(path, as_version=4)
    image = base64.b64encode(os.urandom(3 * 1024 ** 2)).decode()
    code = [c for c in nb.cells if c.cell_type == "code"]
    for c in code[:10]:
        c.outputs = [nbformat.v4.new_output("display_data", data={"image/png": image}),
                     nbformat.v4.new_output("stream", name="stdout",
                                            text=[f"line {i}\n" for i in range(20_000)])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nbformat.write(nb, path)
    assert path.stat().st_size > 30 * 1024 ** 2
    result = grade_submission(path, "ada", limits=Confined)
    assert result["score"] == 3 and result["error"] is None, result["error"]
    assert grading.read_cells(path) == [c.source for c in code]


def test_9_a_late_write_by_a_thread_is_an_argument_changed(tmp_path):
    late = ("import threading, time\n"
            "def dense_forward(X, W, b):\n"
            "    def later():\n"
            "        time.sleep(0.3)\n"
            "        X[...] = 0\n"
            "    threading.Thread(target=later).start()\n"
            "    return X @ W + b")
    result = grade_submission(notebook(tmp_path, "late", late), "late", limits=Confined)
    e = result["exercises"]["dense_forward"]
    assert not e["passed"] and "changed its argument `X`" in e["feedback"], e["feedback"]
