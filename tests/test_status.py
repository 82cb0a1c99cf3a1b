"""`python -m checks status`: per lesson, which of the learner's saved exercises pass."""
from checks.status import status
from test_grade import submission


def test_status_marks_passed_failed_and_not_attempted(tmp_path):
    folder = submission(tmp_path, "me", {"weighted_sum": "return float(np.dot(x, w))",
                                         "dense_forward": "raise NotImplementedError()"}).parent
    lines = []
    done, total = status(folder, echo=lines.append)
    lesson01 = next(line for line in lines if line.startswith("01_weighted_sum"))
    assert "❌ weighted_sum" in lesson01 and "⏳ dense_forward" in lesson01
    assert any(line.startswith("02_activations") and "no notebook" in line for line in lines)
    assert (done, total) == (0, 2) and lines[-1] == "\n0 of 2 exercises pass."


def test_status_counts_what_passes(tmp_path):
    folder = submission(tmp_path, "me").parent          # the reference answers
    lines = []
    done, _ = status(folder, echo=lines.append)
    assert done == 2 and "✅ weighted_sum  ✅ dense_forward" in lines[0]
