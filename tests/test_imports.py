"""Imports stay lazy: the package, and each operation, load only what they need."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

GROUPS = ("common", "workflows", "instances", "triggers", "history", "activities")
MODEL_MODULES = {f"formance_orch.models.{group}" for group in GROUPS}

TRIGGERS = {"common", "triggers", "workflows", "instances"}  # triggers embed both
# Which model groups each operation module is allowed (and expected) to load.
EXPECTED_MODELS = {
    "orchestration_v2_get_server_info": {"common"},
    "orchestration_v2_list_workflows": {"common", "workflows"},
    "orchestration_v2_create_workflow": {"common", "workflows"},
    "orchestration_v2_get_workflow": {"common", "workflows"},
    "orchestration_v2_delete_workflow": {"common"},
    "orchestration_v2_run_workflow": {"common", "instances"},
    "orchestration_v2_list_instances": {"common", "instances"},
    "orchestration_v2_get_instance": {"common", "instances"},
    "orchestration_v2_send_event": {"common"},
    "orchestration_v2_cancel_event": {"common"},
    "orchestration_v2_get_instance_history": {"common", "history"},
    "orchestration_v2_get_instance_stage_history": {"common", "activities"},
    "orchestration_v2_list_triggers": TRIGGERS,
    "orchestration_v2_create_trigger": TRIGGERS,
    "orchestration_v2_read_trigger": TRIGGERS,
    "orchestration_v2_delete_trigger": {"common"},
    "orchestration_v2_test_trigger": TRIGGERS,
    "orchestration_v2_list_triggers_occurrences": TRIGGERS,
}


def modules_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(output))


def test_importing_the_package_loads_no_http_stack_and_no_models() -> None:
    loaded = modules_after("import formance_orch")

    assert "aiohttp" not in loaded
    assert "cattrs" not in loaded
    assert not {name for name in loaded if name.startswith("formance_orch.models")}
    assert "formance_orch.funcs" not in loaded


def test_result_and_errors_do_not_need_aiohttp() -> None:
    loaded = modules_after("from formance_orch import Ok, Err, APIError, Security")

    assert "aiohttp" not in loaded


@pytest.mark.parametrize("operation", sorted(EXPECTED_MODELS))
def test_an_operation_loads_only_its_own_models(operation: str) -> None:
    loaded = modules_after(f"import formance_orch.funcs.{operation}")

    groups = {name.rsplit(".", 1)[1] for name in loaded & MODEL_MODULES}
    assert groups == EXPECTED_MODELS[operation]
    others = {f"formance_orch.funcs.{name}" for name in EXPECTED_MODELS if name != operation}
    assert not loaded & others


def test_every_operation_is_listed() -> None:
    from formance_orch.funcs import OPERATIONS

    assert sorted(EXPECTED_MODELS) == sorted(OPERATIONS)


def test_stage_builders_load_no_models_and_no_http_stack() -> None:
    loaded = modules_after("import formance_orch.stages")

    assert not loaded & MODEL_MODULES
    assert "aiohttp" not in loaded


def test_funcs_package_reexports_lazily() -> None:
    loaded = modules_after(
        "from formance_orch.funcs import orchestration_v2_get_instance as f\nassert callable(f)"
    )

    assert "formance_orch.funcs.orchestration_v2_get_instance" in loaded
    assert "formance_orch.funcs.orchestration_v2_create_workflow" not in loaded
    assert "formance_orch.models.workflows" not in loaded


def test_unknown_names_raise_attribute_error() -> None:
    import formance_orch
    import formance_orch.funcs
    import formance_orch.models

    for package in (formance_orch, formance_orch.funcs, formance_orch.models):
        with pytest.raises(AttributeError):
            package.does_not_exist  # noqa: B018
        assert set(package.__all__) <= set(dir(package))
        for name in package.__all__:
            assert getattr(package, name) is not None


def test_the_package_exports_functions_even_after_a_direct_module_import() -> None:
    code = """
import sys, types
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance as g
import formance_orch.funcs as funcs
assert funcs.orchestration_v2_get_instance is g, funcs.orchestration_v2_get_instance
module = sys.modules["formance_orch.funcs.orchestration_v2_get_instance"]
assert isinstance(module, types.ModuleType)
from formance_orch.funcs import orchestration_v2_list_instances as h
import formance_orch.funcs.orchestration_v2_list_instances
assert funcs.orchestration_v2_list_instances is h
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_retry_and_bigint_helpers_load_only_when_needed() -> None:
    loaded = modules_after(
        "from formance_orch import SDKCore\n"
        "import formance_orch.funcs.orchestration_v2_get_instance"
    )

    assert "backoff" not in loaded  # imported by the first retry
    assert "decimal" not in loaded  # imported by the first integral float


@pytest.mark.parametrize(
    "module", ["formance_orch", *(f"formance_orch.funcs.{n}" for n in sorted(EXPECTED_MODELS))]
)
def test_the_sdk_never_imports_the_emulator(module: str) -> None:
    loaded = modules_after(f"import {module}")

    assert not {name for name in loaded if name.startswith("formance_orch.emulator")}


def test_wait_for_instance_loads_nothing_until_called() -> None:
    loaded = modules_after("from formance_orch import wait_for_instance, WaitTimeoutError")

    assert "formance_orch.waiting" in loaded
    assert "aiohttp" not in loaded
    assert not {name for name in loaded if name.startswith("formance_orch.models")}
    assert not {name for name in loaded if name.startswith("formance_orch.funcs")}
