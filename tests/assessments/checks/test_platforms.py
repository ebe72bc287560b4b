from assessments.checks.platforms import LEGACY, VZ7, destination_platform
from assessments.facts import Destination
from tests.assessments.parsers.linux.samples import facts


def test_without_a_destination_the_strictest_platform_is_assumed_and_said():
    platform = destination_platform(facts())
    assert (platform.id, platform.assumed) == (LEGACY, True)
    assert "strictest" in platform.note


def test_a_destination_platform_is_used_as_given():
    platform = destination_platform(facts(Destination("n", "linux", platform=VZ7)))
    assert (platform.id, platform.assumed) == (VZ7, False)
    assert platform.note == "(destination platform: Virtuozzo 7)"


def test_an_unknown_platform_value_is_judged_as_the_strictest():
    assert destination_platform(facts(Destination("n", "linux", platform="??"))).assumed


def test_the_node_platform_choices_are_the_checks_platforms():
    from assessments.checks.platforms import PLATFORMS
    from fleet.choices import NodePlatform

    assert set(NodePlatform.values) == set(PLATFORMS)
