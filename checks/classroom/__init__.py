"""Instructor-only tools: hidden cases, feedback files, Gradescope, nbgrader, the class progress report. A learner's release leaves this folder out."""
