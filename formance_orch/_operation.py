"""Declarations: what an operation is, and how a call of it is checked and prepared.

An operation module declares an ``Operation``: method, path template, which
arguments go to the path, the query or the body and how they are checked,
how the success body decodes (``Response``, from ``_decode``), whether the
call is idempotent. Calling it validates every argument before any I/O and
prepares the request (its URLs with pre-encoded segments, its body bytes),
then hands it to ``_send``:

    validate -> build URLs and body (here) -> send (``_send``) -> classify and
    decode (``_decode``) -> Result

An argument that is refused ends as ``Err(InvalidRequestError)`` with nothing
sent.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast
from urllib.parse import quote

import attrs

from formance_orch import _amounts, _json, _serde
from formance_orch._decode import Response
from formance_orch._send import send
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import FormanceError, InvalidRequestError, shown
from formance_orch.result import NO_META, Err, Result

if TYPE_CHECKING:
    import yarl

__all__ = [
    "CURSOR",
    "MAX_PAGE_SIZE",
    "PAGE_SIZE",
    "Body",
    "Operation",
    "Param",
    "Response",
]

T = TypeVar("T")
E = TypeVar("E", bound=FormanceError)

_NO_BODY: Any = object()
_EMPTY: Mapping[str, Any] = {}
_PATH_PARAM = re.compile(r"\{(\w+)\}")
_TOP_KEY = re.compile(r"\$\.(\w+)")
#: Matches the non-empty values that are their own URL text (not ``.`` or ``..``).
_needs_no_quoting = re.compile(r"(?!\.\.?\Z)[A-Za-z0-9._~-]+\Z").match
#: The integers the server parses (Go's ``strconv.ParseInt(..., 10, 64)``).
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


@attrs.frozen
class Param:
    """One argument: its Python name, wire key, type, bounds and whether it is required.

    ``kind`` is ``str`` (non-empty), ``int`` (within ``minimum``..``maximum``,
    and always a 64-bit integer, which is what the server parses),
    ``bool``, or ``object`` (any JSON value, left to a body's model to check).
    ``wire`` defaults to the camelCase of ``name``.
    """

    name: str
    kind: type = str
    wire: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    required: bool = False
    #: The name of this argument on the wire.
    key: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        key = self.wire if self.wire is not None else _serde.wire_name(self.name)
        object.__setattr__(self, "key", key)

    def check(self, value: Any) -> None:
        """Raise ``InvalidRequestError`` unless ``value`` is valid for this argument."""
        kind = self.kind
        if kind is object:
            return
        # bool is an int in Python, never in this API.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self._invalid(f"must be {_ARTICLE[kind]}, got {type(value).__name__}")
        if kind is str and not value:
            raise self._invalid("must not be empty")
        if kind is int:
            number = cast("int", value)
            minimum = _INT64_MIN if self.minimum is None else self.minimum
            maximum = _INT64_MAX if self.maximum is None else self.maximum
            if number < minimum:
                raise self._invalid(f"must be at least {minimum}, got {shown(number)}")
            if number > maximum:
                raise self._invalid(f"must be at most {maximum}, got {shown(number)}")

    def encode(self, value: Any) -> str:
        """The argument as URL text; raises ``InvalidRequestError`` when it is invalid."""
        if value.__class__ is str and self.kind is str and _needs_no_quoting(value):
            return value  # most ids (UUIDs, slugs): valid, and the same as URL text
        self.check(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        # The plain value of a subclass (a str-valued enum member, say), never its own __str__.
        if isinstance(value, int):
            return int.__repr__(value)
        try:
            return _encode_segment(str.__str__(value))
        except UnicodeEncodeError:
            raise self._invalid("must be valid Unicode text (it holds a lone surrogate)") from None

    def _invalid(self, reason: str) -> InvalidRequestError:
        return InvalidRequestError(f"{self.name} {reason}", parameter=self.name)


_ARTICLE = {str: "a str", int: "an int", bool: "a bool"}


def _encode_segment(value: str) -> str:
    """Percent-encode ``value`` so that it stays one path segment or query value.

    ``.`` and ``..`` are unreserved characters, so ``quote`` leaves them alone,
    but as whole segments they are path steps: encode their dots too.
    """
    if _needs_no_quoting(value):
        return value  # three times cheaper than quote()
    encoded = quote(value, safe="")
    if encoded == "." or encoded == "..":
        return encoded.replace(".", "%2E")
    return encoded


#: The query parameters every list operation takes.
CURSOR = Param("cursor")
#: The largest page the contract allows (the real server caps pages at 100 anyway).
MAX_PAGE_SIZE = 1000
PAGE_SIZE = Param("page_size", int, minimum=1, maximum=MAX_PAGE_SIZE)


@attrs.frozen
class Body:
    """What an operation accepts as its JSON body, and how it is checked.

    The body is either passed whole, as the argument ``name`` (an instance of
    ``model`` or a plain mapping), or built from the keyword arguments in
    ``fields`` (None is left out). A body that does not fit ``model`` is
    rejected before sending, with the JSON path of the problem. Where
    ``model`` declares amounts (``WIRE_AMOUNTS``), ints there beyond 2**53 - 1
    are sent as decimal strings, whichever form the body was given in.
    ``string_values`` requires a mapping of strings to strings (run variables).
    """

    name: str
    model: type | None = None
    fields: tuple[Param, ...] = ()
    string_values: bool = False

    def encode(self, whole: Any, fields: Mapping[str, Any]) -> bytes:
        """The body as JSON bytes; raises ``InvalidRequestError`` when it is invalid."""
        from_fields = whole is _NO_BODY or whole is None
        given: dict[str, Any] = {}
        for param in self.fields:
            value = fields.get(param.name)
            if value is None:
                if param.required and from_fields:
                    raise InvalidRequestError(f"{param.name} is required", parameter=param.name)
                continue
            param.check(value)
            given[param.key] = value
        if from_fields:
            if not self.fields:
                raise self._invalid("is required")
            data: Any = given
        elif given:
            raise self._invalid(f"cannot be combined with {', '.join(sorted(given))}")
        elif self.model is not None and isinstance(whole, self.model):
            try:
                data = _serde.unstructure(whole)
            except Exception as exc:  # noqa: BLE001 - a field holds what its type does not allow
                raise self._invalid(f"cannot be encoded: {type(exc).__name__}: {exc}") from None
        elif isinstance(whole, Mapping):
            data = dict(whole)
        else:
            expected = f"a {self.model.__name__} or a mapping" if self.model else "a mapping"
            raise self._invalid(f"must be {expected}, got {type(whole).__name__}")
        if self.string_values:
            for key, value in data.items():
                if not isinstance(value, str):
                    raise self._invalid(
                        f"must map to str values, got {type(value).__name__} at {shown(key)}"
                    )
        try:
            encoded = _serde.dumps(data)
        except (TypeError, ValueError) as exc:
            raise self._invalid(f"cannot be encoded as JSON: {exc}") from None
        if self.model is None:
            return encoded
        sent = _json.loads(encoded)
        # Amounts in raw mappings (the builders' and models' are already done).
        exact = _amounts.wire_amounts(sent, getattr(self.model, "WIRE_AMOUNTS", ()))
        self._check_shape(exact, self.fields if from_fields else ())
        return encoded if exact is sent else _json.dumps(exact)

    def _check_shape(self, data: Any, fields: tuple[Param, ...]) -> None:
        """Reject a body the model cannot read (as the server would, but before I/O).

        When the body was built from keyword arguments, the error names the
        argument at fault rather than the body.
        """
        model = self.model
        assert model is not None
        try:
            _serde.structure_hook(model)(data, model)
        except Exception:  # noqa: BLE001 - reported with its path below
            where, reason = _serde.locate_failure(data, model)
            top = _TOP_KEY.match(where)
            culprit = next((p.name for p in fields if top and top[1] == p.key), None)
            if culprit is None:
                raise self._invalid(f"does not fit {model.__name__} at {where}: {reason}") from None
            raise InvalidRequestError(
                f"{culprit} is invalid at {where}: {reason}", parameter=culprit
            ) from None

    def _invalid(self, reason: str) -> InvalidRequestError:
        return InvalidRequestError(f"{self.name} {reason}", parameter=self.name)


class Operation(Generic[T, E]):
    """One API operation, declared; ``call(core, ...)`` performs the request.

    ``path`` is relative to ``/api/orchestration`` and names its parameters
    with their Python names (``/v2/instances/{instance_id}``); parameters not
    listed in ``path_params`` are non-empty strings. ``idempotent`` defaults
    to True for GET, PUT and DELETE. ``fallback_paths`` are tried, in order,
    when the server answers 404 (for servers that route an endpoint
    elsewhere).
    """

    __slots__ = (
        "_templates",
        "body",
        "idempotent",
        "method",
        "operation_id",
        "path_params",
        "query",
        "response",
        "skip_auto_headers",
    )

    def __init__(
        self,
        operation_id: str,
        method: str,
        path: str,
        *,
        response: Response[T, E],
        path_params: tuple[Param, ...] = (),
        query: tuple[Param, ...] = (),
        body: Body | None = None,
        idempotent: bool | None = None,
        fallback_paths: tuple[str, ...] = (),
    ) -> None:
        self.operation_id = operation_id
        self.method = method
        self.response = response
        self.query = query
        self.body = body
        self.idempotent = method in ("GET", "PUT", "DELETE") if idempotent is None else idempotent
        declared = {param.name: param for param in path_params}
        names = _PATH_PARAM.findall(path)
        self.path_params = tuple(declared.get(name, Param(name)) for name in names)
        # aiohttp labels an empty PUT or POST application/octet-stream: send no type instead.
        bodiless_write = body is None and method in ("PUT", "POST")
        self.skip_auto_headers: tuple[str, ...] | None = (
            ("Content-Type",) if bodiless_write else None
        )
        self._templates = tuple(
            _PATH_PARAM.sub("{}", template) for template in (path, *fallback_paths)
        )

    def call(
        self,
        core: SDKCore,
        *,
        path: Mapping[str, Any] = _EMPTY,
        query: Mapping[str, Any] = _EMPTY,
        body: Any = _NO_BODY,
        fields: Mapping[str, Any] = _EMPTY,
        options: RequestOptions | None = None,
    ) -> Awaitable[Result[T, E]]:
        """Validate the arguments, then return the coroutine that performs the request.

        Not itself a coroutine, so that a call costs one coroutine frame less
        (and a method rather than ``__call__``, which Python calls more slowly).
        """
        try:
            urls, data = self._prepare(core, path, query, body, fields, options)
        except InvalidRequestError as error:
            return _rejected(error)
        return send(core, self, urls, data, options)

    def _prepare(
        self,
        core: SDKCore,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        fields: Mapping[str, Any],
        options: RequestOptions | None,
    ) -> tuple[list[yarl.URL], bytes | None]:
        """Check every argument, then build the URLs (the path's, then the fallbacks') and body."""
        if not isinstance(core, SDKCore):
            raise InvalidRequestError(f"core must be an SDKCore, got {type(core).__name__}")
        if options is not None and not isinstance(options, RequestOptions):
            raise InvalidRequestError(
                f"options must be a RequestOptions, got {type(options).__name__}",
                parameter="options",
            )
        if core.closed:
            raise InvalidRequestError("this SDKCore is closed")
        segments = []
        for param in self.path_params:
            value = path.get(param.name)
            if value is None:
                raise InvalidRequestError(f"{param.name} is required", parameter=param.name)
            segments.append(param.encode(value))
        query_string = ""
        if self.query:
            pairs = []
            for param in self.query:
                value = query.get(param.name)
                if value is not None:
                    pairs.append(f"{param.key}={param.encode(value)}")
            query_string = "&".join(pairs)
        urls = [core.api_url(self._templates[0].format(*segments), query_string)]
        for template in self._templates[1:]:
            urls.append(core.api_url(template.format(*segments), query_string))
        data: bytes | None = None
        if self.body is not None:
            data = self.body.encode(body, fields)
        return urls, data


async def _rejected(error: InvalidRequestError) -> Result[Any, Any]:
    """The result of a call whose arguments were refused: nothing was sent."""
    return Err(error, NO_META)
