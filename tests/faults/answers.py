"""What every answer to a database failure must look like, whatever the surface."""

from __future__ import annotations

import logging

import pytest
import webtest

from tests.oauth.flows import assert_no_store
from vte_extapps.demo.models import DemoBase
from vte_extapps.faults import DATABASE_ERRORS
from vte_extapps.models.meta import Base

#: The names of every table, the plugin's and the demo's. Table names rather
#: than their prefix: the plugin's static files are served under its name.
TABLES = tuple(sorted({*Base.metadata.tables, *DemoBase.metadata.tables}))

#: Words of a stack trace, of SQL, or of the database layer, none of which a
#: client or a user may ever be shown.
INTERNALS = (
    "Traceback",
    'File "',
    "SELECT ",
    "INSERT ",
    "UPDATE ",
    "[SQL",
    "[parameters",
    *TABLES,
    "sqlalchemy",
    "OperationalError",
    "psycopg",
    "pymysql",
    "sqlite3",
    "database is locked",
    "lock timeout",
    "Lock wait",
)


def assert_shows_no_internals(text: str, *secrets: str) -> None:
    for word in INTERNALS:
        assert word not in text, word
    for secret in secrets:
        assert secret not in text


def assert_temporarily_unavailable(
    response: webtest.TestResponse, *secrets: str
) -> None:
    """RFC 6749 5.2 JSON, never cached, with a hint of when to come back."""
    assert response.status_int == 503, response.text
    assert_no_store(response)
    assert response.json["error"] == "temporarily_unavailable"
    assert int(response.headers["Retry-After"]) > 0
    assert_shows_no_internals(response.text, *secrets)


def assert_unavailable_page(response: webtest.TestResponse) -> None:
    """A plain page saying to come back, no trace, no redirect, never cached."""
    assert response.status_int == 503, response.text
    assert response.content_type == "text/html"
    assert "Temporarily unavailable" in response.text
    assert "Location" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert int(response.headers["Retry-After"]) > 0
    assert_shows_no_internals(response.text)


def assert_logged_without_internals(
    caplog: pytest.LogCaptureFixture, *secrets: str
) -> None:
    """The failure is in the log, named, and the log holds nothing it must not."""
    failures = [
        record
        for record in caplog.records
        if record.levelno >= logging.ERROR and "database" in record.getMessage()
    ]
    assert failures, "the failure was not logged"
    for record in caplog.records:
        message = record.getMessage()
        # A logged trace would print the error's text, which quotes the SQL.
        if record.exc_info:
            assert not isinstance(record.exc_info[1], DATABASE_ERRORS)
        for word in ("SELECT ", "INSERT ", "UPDATE ", "[SQL", "[parameters"):
            assert word not in message, message
        for secret in secrets:
            assert secret not in message


def assert_service_unavailable(response: webtest.TestResponse, *secrets: str) -> None:
    """The REST API's own wire format for a 503, never cached, with Retry-After."""
    assert response.status_int == 503, response.text
    assert response.content_type == "application/json"
    assert response.json == {
        "status": 503,
        "error": "SERVICE_UNAVAILABLE",
        "message": response.json["message"],
    }
    assert response.headers["Cache-Control"] == "no-store"
    assert int(response.headers["Retry-After"]) > 0
    assert_shows_no_internals(response.text, *secrets)
