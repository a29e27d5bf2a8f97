"""Operator precedence: unary minus binds looser than ^, as in Vensim and PySD.

PySD's parser folds a minus into the number after it, so ``-2^2`` reaches the engine as the
literal -2 raised to 2; the engine once took it as ``(-2)^2`` and answered 4 without an error.
"""

from __future__ import annotations

import pytest

from gzsim.engine import EngineError, compile_model


def _value(write_model, tmp_path, equation: str) -> float:
    path = write_model(tmp_path, "m.mdl", f"x = 3 ~~|\na = {equation} ~~|", final_time=1,
                       time_step=1)
    return float(compile_model(path, cache=False).run()["a"].iloc[0])


def test_minus_two_squared_is_minus_four(write_model, tmp_path, pysd_reference):
    path = write_model(tmp_path, "m.mdl", "a = -2^2 ~~|", final_time=1, time_step=1)
    assert compile_model(path).run()["a"].iloc[0] == -4.0
    assert pysd_reference(path)["a"].iloc[0] == -4.0


@pytest.mark.parametrize("equation, expected", [
    ("-2^2", -4.0),
    ("- 2 ^ 2", -4.0),
    ("-2.5^2", -6.25),
    ("-2e1^2", -400.0),
    ("10 * -2^2", -40.0),
    ("3 - -2^2", 7.0),
    ("-2^2^3", -256.0),          # -(2^(2^3)): ^ chains from the right, as PySD writes a**b**c
    ("2^-2^2", 0.0625),          # 2^(-(2^2))
    ("2 ^ -1 ^ -2", 0.5),        # 2^(-(1^-2))
    ("2^-2", 0.25),
    ("-x^2 + 10", 1.0),
    ("(-x)^2", 9.0),
    ("(0 - 2)^2", 4.0),
    ("ABS(-2)^2", 4.0),
    ("(x + (-2))^2", 1.0),
])
def test_powers_with_negative_numbers(write_model, tmp_path, equation, expected):
    assert _value(write_model, tmp_path, equation) == expected


@pytest.mark.parametrize("equation", ["(-2)^2", "((- 2.5))^x", "2^(-2)^2", "3 * ((-2)^2)"])
def test_a_negative_number_in_brackets_raised_to_a_power_is_refused(write_model, tmp_path,
                                                                    equation):
    # Vensim gives (-2)^2 = 4; PySD's parser drops the brackets and gives -4
    with pytest.raises(EngineError, match=r"variable 'a' raises the negative number \(-2(\.5)?\) "
                                          r"in brackets to a power: .* write the base as \(0 - "):
        _value(write_model, tmp_path, equation)
