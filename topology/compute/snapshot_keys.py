"""Associated KMS keys: an encrypted snapshot may carry additional KMS keys, each a second,
independent way to its data (the snapshot stays encrypted under its own key).

The keys are the snapshot's `AssociatedKmsKeys` field (boto3's `[{KmsKeyId}]`, key ARNs),
which DescribeSnapshots shows. AWS's rules: only an encrypted snapshot takes one; a key is
named by id, alias or ARN (`ebs_encryption.key_arn`); the snapshot's own key and a key
already associated are refused, as is removing a key that is not associated.
"""
from __future__ import annotations

from ..core.errors import InvalidParameterValue, MissingParameter
from ..core.family import declare_actions
from ..core.world import Partition, World
from . import ebs_encryption


def _keys(world: World, part: Partition, snapshot_id: str | None, kms_key_id: str
          ) -> tuple[str, list[dict[str, str]], str]:
    if not snapshot_id:
        raise MissingParameter("The request must contain the parameter SnapshotId")
    node = world.get(part, "snapshot", snapshot_id)
    if not node.get("Encrypted"):
        raise InvalidParameterValue(f"The snapshot '{snapshot_id}' is not encrypted. KMS keys "
                                    "can be associated with encrypted snapshots only.")
    return snapshot_id, list(node.get("AssociatedKmsKeys", [])), \
        ebs_encryption.key_arn(part, kms_key_id)


def associate(world: World, part: Partition, kms_key_id: str,
              snapshot_id: str | None = None) -> bool:
    """AssociateKmsKeyId."""
    snap_id, keys, arn = _keys(world, part, snapshot_id, kms_key_id)
    if arn == world.graph.nodes[snap_id].get("KmsKeyId") or {"KmsKeyId": arn} in keys:
        raise InvalidParameterValue(f"The KMS key '{kms_key_id}' is already associated with "
                                    f"snapshot '{snap_id}'.")
    world.update(snap_id, AssociatedKmsKeys=[*keys, {"KmsKeyId": arn}])
    return True


def disassociate(world: World, part: Partition, kms_key_id: str,
                 snapshot_id: str | None = None) -> bool:
    """DisassociateKmsKeyId."""
    snap_id, keys, arn = _keys(world, part, snapshot_id, kms_key_id)
    if {"KmsKeyId": arn} not in keys:
        raise InvalidParameterValue(f"The KMS key '{kms_key_id}' is not associated with "
                                    f"snapshot '{snap_id}'.")
    world.update(snap_id, AssociatedKmsKeys=[k for k in keys if k["KmsKeyId"] != arn] or None)
    return True


declare_actions("snapshot", {"AssociateKmsKeyId": associate,
                             "DisassociateKmsKeyId": disassociate})
