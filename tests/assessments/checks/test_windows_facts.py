"""Windows release names and generations shared by the os_version and architecture checks."""

import pytest

from assessments.checks.windows_facts import display, generation
from assessments.parsers.windows.release import Release

SERVER, CLIENT = 3, 1


@pytest.mark.parametrize(
    ("version", "product_type", "gen", "name"),
    [
        ((5, 2, 3790), SERVER, "2003", "Windows Server 2003"),
        ((5, 2, 3790), CLIENT, "client", "Windows XP x64"),
        ((6, 0, 6002), SERVER, "2008", "Windows Server 2008"),
        ((6, 0, 6002), CLIENT, "client", "Windows Vista"),
        ((6, 1, 7601), SERVER, "2008r2", "Windows Server 2008 R2"),
        ((6, 1, 7601), 2, "2008r2", "Windows Server 2008 R2"),
        ((6, 3, 9600), SERVER, "2012r2", "Windows Server 2012 R2 (build 9600)"),
        ((10, 0, 17763), SERVER, "2019", "Windows Server 2019 (build 17763)"),
        ((10, 0, 16299), SERVER, "2016+", "Windows Server 2016 or later (build 16299)"),
        ((10, 0, 22631), CLIENT, "client", "Windows 11"),
        ((5, 0, 2195), SERVER, "2000", "Windows 2000 Server"),
    ],
)
def test_it_maps_versions_to_generations_and_names(version, product_type, gen, name):
    release = Release("wmic_os", *version, product_type=product_type)
    assert (generation(release), display(release)) == (gen, name)


def test_the_caption_tells_server_from_client_without_product_type():
    release = Release("systeminfo", 6, 1, 7601, caption="Microsoft Windows 7 Professional")
    assert display(release) == "Windows 7"
