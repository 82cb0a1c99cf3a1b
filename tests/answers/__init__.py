"""Learner-like answers for every exercise: RIGHT ones written differently from the
reference (each must pass) and WRONG ones with the hint id they must trigger.

One module per lesson; each defines RIGHT = {id: [fn, ...]} and WRONG = {id: [(fn, hint_id), ...]}.
"""
