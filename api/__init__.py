"""The EC2 endpoint: Query protocol, handlers, the Flask app, the in-process mock and the CLI.

`from api import mock_ec2` is the in-process entry point; it is imported lazily so that
importing `api` costs nothing.
"""
from __future__ import annotations

from typing import Any

__all__ = ["mock_ec2", "create_app"]


def __getattr__(name: str) -> Any:
    # Deferred on purpose: pytest loads `api.pytest_plugin` (and so this package) in every
    # project where ec2sim is installed, and the mock and the app pull in botocore, Flask and
    # every topology family (over a second); `import api` must stay nearly free.
    if name == "mock_ec2":
        from .mock import mock_ec2

        return mock_ec2
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
