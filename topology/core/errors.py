"""The domain's error tree.

Every error carries the AWS error code it stands for, because the vocabulary of the domain
we simulate *is* EC2's: `api.errors` turns any `TopologyError` into a 4xx wire error.
"""
from __future__ import annotations


class TopologyError(Exception):
    """A request the simulated EC2 refuses: the client's fault, never ours."""

    code = "InvalidParameterValue"
    status = 400

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidParameterValue(TopologyError):
    code = "InvalidParameterValue"


class InvalidParameterCombination(TopologyError):
    code = "InvalidParameterCombination"


class MissingParameter(TopologyError):
    code = "MissingParameter"


class NotFound(TopologyError):
    """`Invalid<Kind>ID.NotFound` and friends: the code comes from the resource kind."""


class Malformed(TopologyError):
    """`Invalid<Kind>ID.Malformed`: an id that cannot be of the kind asked for."""


class DependencyViolation(TopologyError):
    code = "DependencyViolation"


class Conflict(TopologyError):
    """A resource already exists or overlaps (`RouteAlreadyExists`, `InvalidSubnet.Conflict`)."""


class LimitExceeded(TopologyError):
    """An account quota (`VpcLimitExceeded`, `RulesPerSecurityGroupLimitExceeded`, ...)."""


class IncorrectState(TopologyError):
    """The resource exists but is not in a state that allows the request."""


class DryRunOperation(TopologyError):
    """Raised at the first mutation of a DryRun request: everything before it validated."""

    code = "DryRunOperation"
    status = 412

    def __init__(self) -> None:
        super().__init__("Request would have succeeded, but DryRun flag is set.")
