"""micromet's typed client, kept importable as `app.client`: it is the standalone `micromet-client` distribution
(clients/python, package `micromet_client`), re-exported. New code should import `micromet_client`."""

from micromet_client import (
    OPERATIONS,
    AsyncClient,
    Client,
    DigestMismatchError,
    InvalidParametersError,
    NotFoundError,
    Operation,
    ProblemError,
    ServiceUnavailableError,
)

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
