"""Benchmarks of formance_orch against raw aiohttp and formance-sdk-python (``make bench``).

Not part of the test suite. ``python -m bench`` runs everything in one go and
prints one table; see bench/README.md.
"""

#: The token endpoint, relative to the server URL.
TOKEN_PATH = "/api/auth/oauth/token"
#: The instances collection; one instance is ``INSTANCES_PATH + "/" + id``.
INSTANCES_PATH = "/api/orchestration/v2/instances"
