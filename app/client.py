"""micromet's typed client, kept importable as `app.client`: it is the standalone `micromet-client` distribution
(clients/python, package `micromet_client`), re-exported. New code should import `micromet_client`."""

from micromet_client import *  # noqa: F403
from micromet_client import __all__ as __all__
