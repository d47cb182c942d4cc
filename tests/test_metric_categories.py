"""Metric categories through boto3, in-process and against the server."""
from __future__ import annotations

import pytest

from helpers import fails


def make(ec2, *metrics: str, **kwargs) -> dict:
    return ec2.create_metric_category(Metrics=list(metrics), **kwargs)["MetricCategory"]


def test_create_describe_modify_delete(ec2):
    category = make(ec2, "CPUUtilization", "system.cpu.utilization", TagSpecifications=[
        {"ResourceType": "metric-category", "Tags": [{"Key": "team", "Value": "ml"}]}])
    mc_id = category["MetricCategoryId"]
    assert mc_id.startswith("mc-") and len(mc_id) == len("mc-") + 17
    assert category["Metrics"] == ["CPUUtilization", "system.cpu.utilization"]
    assert category["Tags"] == [{"Key": "team", "Value": "ml"}]
    changed = ec2.modify_metric_category(MetricCategoryId=mc_id, Metrics=["DiskReadOps"])
    assert changed["MetricCategory"]["Metrics"] == ["DiskReadOps"]
    found = ec2.describe_metric_categories(MetricCategoryIds=[mc_id])["MetricCategories"]
    assert found == [{**category, "Metrics": ["DiskReadOps"]}]
    assert ec2.delete_metric_category(MetricCategoryId=mc_id)["MetricCategoryId"] == mc_id
    assert ec2.describe_metric_categories()["MetricCategories"] == []
    assert fails(ec2.delete_metric_category, MetricCategoryId=mc_id)[0] == \
        "InvalidMetricCategoryId.NotFound"


def test_metric_name_filter(ec2):
    first = make(ec2, "CPUUtilization")["MetricCategoryId"]
    make(ec2, "NetworkIn")
    found = ec2.describe_metric_categories(
        Filters=[{"Name": "metric-name", "Values": ["CPU*"]}])["MetricCategories"]
    assert [c["MetricCategoryId"] for c in found] == [first]


@pytest.mark.parametrize("metrics", [["a", "a"], [""], ["x" * 256]])
def test_bad_metrics_are_refused(ec2, metrics):
    assert fails(ec2.create_metric_category, Metrics=metrics)[0] == "InvalidParameterValue"
    assert ec2.describe_metric_categories()["MetricCategories"] == []


def test_modify_must_change_the_set(ec2):
    mc_id = make(ec2, "a", "b")["MetricCategoryId"]
    assert fails(ec2.modify_metric_category, MetricCategoryId=mc_id,
                 Metrics=["b", "a"])[0] == "InvalidParameterValue"
    assert fails(ec2.modify_metric_category, MetricCategoryId="mc-0123456789abcdef0",
                 Metrics=["c"])[0] == "InvalidMetricCategoryId.NotFound"
    assert fails(ec2.modify_metric_category, MetricCategoryId="nope",
                 Metrics=["c"])[0] == "InvalidMetricCategoryId.Malformed"


def test_max_results_bounds_and_ids(ec2):
    for n in range(6):
        make(ec2, f"m{n}")
    page = ec2.describe_metric_categories(MaxResults=5)
    assert len(page["MetricCategories"]) == 5 and page["NextToken"]
    rest = ec2.describe_metric_categories(MaxResults=5, NextToken=page["NextToken"])
    assert len(rest["MetricCategories"]) == 1
    ids = [c["MetricCategoryId"] for c in page["MetricCategories"]]
    assert fails(ec2.describe_metric_categories, MetricCategoryIds=ids[:1],
                 MaxResults=5)[0] == "InvalidParameterCombination"


def test_against_server(server_ec2):
    mc_id = make(server_ec2, "CPUUtilization")["MetricCategoryId"]
    assert server_ec2.describe_metric_categories()["MetricCategories"][0]["Metrics"] == [
        "CPUUtilization"]
    server_ec2.delete_metric_category(MetricCategoryId=mc_id)
    assert server_ec2.describe_metric_categories()["MetricCategories"] == []
