"""Where the kernel refuses unprivileged namespaces (Docker's default seccomp profile, some
AppArmor defaults), tests that need them skip with the reason (the ``namespaces`` fixture)
and the others grade unisolated. No test leaves a sandbox behind, even when it fails."""
import pytest


@pytest.fixture(scope="session")
def isolation_where_possible():
    """None where learner code can be isolated on this machine, else the reason (asked
    once per test process); the grader's zygote is closed at the end."""
    from checks.grading import zygote
    yield zygote.isolation_refused()
    zygote.close_all()


@pytest.fixture(autouse=True)
def unisolated_where_refused(isolation_where_possible, monkeypatch):
    """Where isolation is refused, each test grades unisolated: ``Limits.isolate`` is False
    for that test only, and put back after it."""
    if isolation_where_possible:
        from checks.grading import sandbox_policy
        monkeypatch.setattr(sandbox_policy.Limits, "isolate", False)


@pytest.fixture(autouse=True)
def no_sandbox_left():
    yield
    from checks.grading import zygote
    left = len(zygote.LIVE)
    zygote.kill_all()
    assert not left, f"{left} sandbox(es) still running after the test"


@pytest.fixture
def namespaces(isolation_where_possible):
    """Skips a test where learner code cannot be isolated on this machine."""
    if isolation_where_possible:
        pytest.skip(f"needs Linux namespaces, refused here: {isolation_where_possible}")
