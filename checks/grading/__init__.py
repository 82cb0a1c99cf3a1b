"""Grading notebooks in the sandbox and storing the results: the grader, the learners' own commands (status, reset) and the CSV/JSON outputs. Ships in a release."""
