"""Whatever the server answers, an operation returns a Result and never raises."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formance_orch import Err, Ok, RequestOptions, RetryConfig
from formance_orch.errors import FormanceError
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from tests.support import Reply, instance_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

# Bodies near the real shape are the interesting ones: mutate a valid instance.
instance_like = st.builds(
    lambda overrides: {"data": {**instance_json(), **overrides}},
    st.dictionaries(
        st.sampled_from(["id", "workflowID", "createdAt", "terminated", "status", "error"]),
        json_values,
        max_size=3,
    ),
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    instance_like.map(lambda value: json.dumps(value).encode()),
)
statuses = st.sampled_from([200, 201, 204, 400, 401, 404, 429, 500, 502, 503]) | st.integers(
    200, 599
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/html", "text/plain", None]
)
retry_afters = st.none() | st.sampled_from(["1", "-5", "abc", "Wed, 21 Oct 2015 07:28:00 GMT"])
NO_RETRY = RequestOptions(retries=RetryConfig.none())
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check(result: object, status: int) -> None:
    assert isinstance(result, Ok | Err)
    if isinstance(result, Err):
        assert isinstance(result.error, FormanceError)
        assert result.error.message
    else:
        assert 200 <= status < 300


@SETTINGS
@given(status=statuses, body=bodies, content_type=content_types, retry_after=retry_afters)
async def test_get_instance_never_raises(
    server, core, status, body, content_type, retry_after
) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    server.reply(Reply(status=status, body=body, content_type=content_type, headers=headers))

    check(await orchestration_v2_get_instance(core, "i", options=NO_RETRY), status)


@SETTINGS
@given(status=statuses, body=bodies, content_type=content_types)
async def test_list_instances_never_raises(server, core, status, body, content_type) -> None:
    server.reply(Reply(status=status, body=body, content_type=content_type))

    check(await orchestration_v2_list_instances(core, options=NO_RETRY), status)
