"""The bad-input matrix (issue 8), one module per kind of input; run by test_bad_input.py."""
