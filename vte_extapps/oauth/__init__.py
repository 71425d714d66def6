"""The OAuth 2 authorization server: oauthlib's engine with our answers.

``server`` assembles the endpoints and grants we offer; the validator's
answers are split by concern into ``validator`` (clients), ``codes``,
``issuance`` (tokens and refresh) and ``inspection`` (revoke, introspect);
``client_auth``, ``assertions`` and ``throttle`` authenticate clients;
``endpoints`` and ``consent`` adapt Pyramid requests for the views.
"""

from __future__ import annotations

import logging

from pyramid.config import Configurator

# oauthlib's own debug lines quote codes and tokens as they pass through its
# grants. A host that turns on debug logging must not find them in its logs,
# so the debug records of those modules are dropped.
_TALKATIVE_LOGGERS = (
    "oauthlib.oauth2.rfc6749.grant_types.authorization_code",
    "oauthlib.oauth2.rfc6749.grant_types.refresh_token",
    "oauthlib.oauth2.rfc6749.grant_types.client_credentials",
    "oauthlib.oauth2.rfc6749.grant_types.base",
    "oauthlib.oauth2.rfc6749.endpoints.token",
)


class _NoDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def includeme(config: Configurator) -> None:
    for name in _TALKATIVE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NoDebug) for f in logger.filters):
            logger.addFilter(_NoDebug())
