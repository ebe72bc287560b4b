"""The report's title: the hosts-list filters in words."""

import pytest
from django.http import QueryDict

from assessments.filtersets import filtered_hosts
from assessments.pages.report import filter_words
from fleet.models import HostGroup, Tag, TargetNode

pytestmark = pytest.mark.django_db


def words(querystring: str) -> str:
    return filter_words(filtered_hosts(QueryDict(querystring))[0])


def test_no_filter_is_all_hosts() -> None:
    assert words("") == "All hosts"


def test_each_filter_in_words() -> None:
    group = HostGroup.objects.create(name="web")
    tag = Tag.objects.create(name="pci")
    assert words(f"group={group.pk}&os_family=linux") == "Group web, Linux"
    assert words(f"tag={tag.pk}&verdict=not_ready") == "Tag pci, Not ready"
    assert words("restriction=selinux&severity=blocker") == "with blockers in SELinux"
    assert words("restriction=quotas") == "with findings in Disk quotas"
    assert words("q=db&age=never") == "Search “db”, Never scanned"
    assert words("destination=null") == "No destination"


def test_a_destination_by_name() -> None:
    node = TargetNode.objects.create(name="vz-01")
    assert words(f"destination={node.pk}") == f"Destination {node}"


def test_an_invalid_filter() -> None:
    assert words("group=999") == "Invalid filter"
