"""Nothing from the user is ever evaluated as code.

Two kinds of check. A scan of the source (app.py and every module of gzsim) for the ways Python
can run text as code or unpickle objects, with an explicit allow-list: the fast engine compiles
source it generated itself, after checking it token by token. And code-like input through the two
doors the app has for users — share links and uploaded scenario files — which must be refused or
kept as inert data, with no side effect (a marker file the code would create is never created).
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gzsim.errors import GzsimError
from gzsim.ui import parse_query
from gzsim.ui.compute import reach_table
from gzsim.ui.upload import check_upload

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
SOURCES = [APP, *sorted((ROOT / "src" / "gzsim").rglob("*.py"))]

# Builtins that run text as code or import by a computed name.
CODE_BUILTINS = {"eval", "exec", "compile", "__import__", "breakpoint"}
# Attribute calls that do the same, deserialize objects, or hand text to a shell or an evaluator
# (pandas' eval/query run expressions; with a literal argument they are the programmer's own).
CODE_ATTRIBUTES = {
    ("pickle", "load"), ("pickle", "loads"), ("marshal", "load"), ("marshal", "loads"),
    ("shelve", "open"), ("dill", "load"), ("dill", "loads"), ("cloudpickle", "load"), ("cloudpickle", "loads"),
    ("joblib", "load"), ("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"),
    ("pd", "read_pickle"), ("pandas", "read_pickle"), ("os", "system"), ("os", "popen"),
    ("pd", "eval"), ("pandas", "eval"), ("runpy", "run_path"), ("runpy", "run_module"),
}
EVALUATING_METHODS = {"eval", "query"}  # DataFrame.eval / DataFrame.query with a computed string
UNSAFE_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "yaml", "runpy"}
# (file, function, call): each allowed use and why it is safe.
ALLOWED = {
    # The fast engine's step function: source built from the parsed model's abstract syntax with
    # identifiers of its own, checked token by token (check_source) before it is compiled, and run
    # with four builtins; tests/engine/test_engine_security.py feeds it hostile models.
    ("src/gzsim/engine/codegen.py", "build_runner", "compile"),
    ("src/gzsim/engine/codegen.py", "build_runner", "exec"),
    # Imports of the package's own modules by names from constant tables (_FEATURE_COMMANDS, the
    # lazy-export table), never from input.
    ("src/gzsim/cli.py", "build_parser", "import_module"),
    ("src/gzsim/_lazy.py", "__getattr__", "import_module"),
}


def _calls(path: Path):
    """(function name, call name, node) of every call in *path* that can run text as code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions = {}  # node -> name of the innermost function holding it (walk visits outer ones first)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.update({inner: node.name for inner in ast.walk(node) if inner is not node})
    for node in ast.walk(tree):
        function = functions.get(node, "<module>")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name.split(".")[0] in UNSAFE_MODULES:
                    yield function, f"import {name}", node
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        literal = all(isinstance(a, ast.Constant) for a in node.args)
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name == "import_module" and not literal:  # importing a module chosen at run time
            yield function, name, node
        elif isinstance(func, ast.Name) and func.id in CODE_BUILTINS:
            yield function, func.id, node
        elif isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            if (owner, func.attr) in CODE_ATTRIBUTES or (func.attr in EVALUATING_METHODS and not literal):
                yield function, func.attr, node
            elif func.attr in {"run", "Popen", "call", "check_output", "check_call"} and any(
                    k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                    for k in node.keywords):
                yield function, f"{func.attr}(shell=...)", node


def test_no_source_file_evaluates_text_or_unpickles_outside_the_allow_list():
    found = []
    for path in SOURCES:
        relative = path.relative_to(ROOT).as_posix()
        for function, call, node in _calls(path):
            if (relative, function, call) not in ALLOWED:
                found.append(f"{relative}:{node.lineno} in {function}(): {call}")
    assert not found, "code evaluation outside the allow-list:\n" + "\n".join(found)


def test_the_scan_finds_what_it_looks_for(tmp_path):
    # The scan itself can fail: every construct it is meant to catch is caught.
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import pickle\nimport yaml\n"
        "def f(text, frame):\n"
        "    eval(text); exec(text); compile(text, 'x', 'exec'); __import__(text)\n"
        "    pickle.loads(text); yaml.load(text); pd.eval(text); frame.query(text); frame.query(f'{text}')\n"
        "    frame.query('a > 1')\n"  # a literal expression: the programmer's own, not flagged
        "    subprocess.run(text, shell=True); os.system(text)\n"
        "    import_module(text); importlib.import_module('json')\n"  # a literal module name: not flagged
        "    def inner():\n        eval(text)\n", encoding="utf-8")
    found = sorted((function, call) for function, call, _ in _calls(sample))
    assert found == sorted([("<module>", "import pickle"), ("<module>", "import yaml"), ("inner", "eval")] + [
        ("f", c) for c in ["eval", "exec", "compile", "__import__", "loads", "load", "eval", "query", "query",
                           "run(shell=...)", "system", "import_module"]])


def test_the_engines_compile_is_preceded_by_its_token_check():
    # The allow-listed compile runs only on source that check_source has accepted.
    tree = ast.parse((ROOT / "src" / "gzsim" / "engine" / "codegen.py").read_text(encoding="utf-8"))
    runner = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "build_runner")
    order = [n.func.id for n in ast.walk(runner) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert "check_source" in order and "compile" in order
    lines = {n.func.id: n.lineno for n in ast.walk(runner) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert lines["check_source"] < lines["compile"]


# ------------------------------------------------------------------ code-like input
def _payload(marker: Path) -> str:
    return f"__import__('os').system('touch {marker}')"


def test_code_in_a_share_link_is_a_warning_and_runs_nothing(catalogue, tmp_path):
    marker = tmp_path / "pwned"
    code = _payload(marker)
    params = {"st_budget_growth": code, code: "0.1", "scenario": code, "lang": code,
              "talent_flats": f"{code} or 1", "rd_post_subsidy": "eval('0.1')"}
    settings, problems = parse_query(params, catalogue, scenarios=["baseline"])
    assert settings == {"scenario": None, "lang": None, "levers": {}}
    assert len(problems) == len(params)
    assert not marker.exists()


def test_code_in_an_uploaded_scenario_is_data_or_refused_and_runs_nothing(model, tmp_path):
    marker = tmp_path / "pwned"
    code = json.dumps(_payload(marker))  # as a TOML string
    # Strings where a scenario has text: kept as text, never run (and the file still works).
    as_text = (f"name = {code}\ntitle_en = {code}\nextends = \"baseline\"\n"
               f"[levers]\nst_budget_growth = 0.12\n[sources]\nst_budget_growth = {code}\n").encode()
    upload, scenario = check_upload("text.toml", as_text, model.catalogue)
    assert scenario.title_en == _payload(marker) and scenario.sources["st_budget_growth"] == _payload(marker)
    reach_table(model, upload, ())  # and it runs
    # Code where numbers, names or paths belong: refused.
    refused = [
        f"[levers]\nst_budget_growth = {code}\n",
        f"[levers]\n{code} = 0.1\n",
        f"extends = {code}\n",
        f"targets = {code}\n",
        f"[levers]\ntalent_flats = {{ series = {{ {code} = 1 }} }}\n",
        f"[uncertainty]\ngdp_growth = {{ distribution = {code}, min = 0.05, max = 0.06 }}\n",
        f"import os\nos.system('touch {marker}')\n",
    ]
    for text in refused:
        with pytest.raises(GzsimError):
            check_upload("code.toml", text.encode(), model.catalogue)
    assert not marker.exists()


def test_code_through_the_app_link_and_uploader_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    code = _payload(marker)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["st_budget_growth"] = "__import__('os').getpid()"  # short enough to be read, as a number
    at.query_params["talent_flats"] = code
    at.query_params[code] = "1"
    at.run()
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 3
    assert warnings[0].endswith("not a number") and all(w.endswith("longer than 64 characters") for w in warnings[1:])
    assert all("(" not in w.split(": ", 1)[0] for w in warnings)  # the echo is inert
    at.file_uploader[0].set_value(("code.toml", f"[levers]\nst_budget_growth = \"{code}\"\n".encode(),
                                   "application/toml")).run()
    assert not at.exception and at.sidebar.error
    assert at.selectbox(key="scenario").value == "baseline"
    assert not marker.exists()
