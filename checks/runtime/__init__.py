"""What the grading child puts on its path: standard library, NumPy and these modules only (tests/test_layout.py walks their imports)."""
