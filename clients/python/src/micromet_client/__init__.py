"""micromet's typed client, sync and async, on httpx and pydantic, with no dependency on the server.

    from micromet_client import Client
    with Client("http://127.0.0.1:8000") as api:
        therapy = api.therapies.get("adjuvant-therapy")               # a TherapyPublic
        names = api.therapies.get("adjuvant-therapy", fields=["name"])  # a PartialTherapyPublic
        for finding in api.findings.iterate(topic="prognosis"):         # every page, fetched as needed
            print(finding.name, finding.provenance[0].quote)

Models (`micromet_client.models`) and each collection's typed filters (`micromet_client.resources`) are generated
from the API's OpenAPI document; problems (RFC 9457) are raised as `ProblemError` subclasses; exports are checked
against their RFC 9530 digests.
"""

from micromet_client._http import (
    DigestMismatchError,
    InvalidParametersError,
    NotFoundError,
    ProblemError,
    ServiceUnavailableError,
)
from micromet_client.client import OPERATIONS, AsyncClient, Client, Operation

__all__ = [
    "OPERATIONS",
    "AsyncClient",
    "Client",
    "DigestMismatchError",
    "InvalidParametersError",
    "NotFoundError",
    "Operation",
    "ProblemError",
    "ServiceUnavailableError",
]
