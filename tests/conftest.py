"""Where the kernel refuses unprivileged namespaces (Docker's default seccomp profile, some
AppArmor defaults), tests that need them skip with the reason (the ``namespaces`` fixture)
and the others grade unisolated. No test leaves a sandbox behind, even when it fails."""
import pytest


@pytest.fixture(scope="session", autouse=True)
def isolation_where_possible():
    from checks.grading import sandbox_policy, zygote
    why = zygote.isolation_refused()
    if why:
        sandbox_policy.Limits.isolate = False
    yield why
    zygote.close_all()


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
