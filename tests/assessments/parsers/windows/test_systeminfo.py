"""systeminfo: release and system type found by the shape of their values."""

import pytest

from assessments.facts import ProbeUnavailable
from assessments.parsers.windows.release import DOMAIN_CONTROLLER, SERVER, WORKSTATION
from assessments.parsers.windows.systeminfo import parse_systeminfo
from tests.assessments.parsers.windows.samples import crlf, sample


def test_it_reads_the_2003_sp2_x86_sample():
    info = parse_systeminfo(sample("windows-systeminfo-2003sp2-x86.txt"))
    assert info.release.version == "5.2.3790"
    assert info.release.service_pack == "Service Pack 2"
    assert info.architecture == "x86"


def test_it_reads_the_2012r2_sample_with_crlf():
    info = parse_systeminfo(sample("windows-systeminfo-2012r2.txt"))
    assert (info.release.version, info.architecture) == ("6.3.9600", "x64")
    assert info.release.product_type == SERVER and info.release.service_pack == ""


def test_it_reads_windows_7_as_a_workstation():
    info = parse_systeminfo(sample("windows-systeminfo-win7.txt"))
    assert info.release.product_type == WORKSTATION


def test_it_reads_localised_labels_by_value_shape():
    out = crlf(
        "\nNom de l'hôte:                              SRV01\n"
        "Nom du système d'exploitation:              Microsoft Windows Server 2008 R2 Standard \n"
        "Version du système:                         6.1.7601 Service Pack 1 version 7601\n"
        "Fabricant du système d'exploitation:        Microsoft Corporation\n"
        "Configuration du système d'exploitation:    Serveur autonome\n"
        "Type du système:                            x64-based PC\n"
    )
    info = parse_systeminfo(out)
    assert info.release.caption == "Microsoft Windows Server 2008 R2 Standard"
    assert (info.release.version, info.architecture) == ("6.1.7601", "x64")
    assert info.release.product_type == SERVER


def test_it_reports_output_without_fields():
    with pytest.raises(ProbeUnavailable):
        parse_systeminfo(crlf("ERROR: RPC server unavailable\n"))


def test_it_reads_a_localised_domain_controller_configuration():
    out = crlf(
        "\nHost Name:                 DC01\n"
        "OS Name:                   Microsoft Windows Server 2003, Standard Edition\n"
        "OS Version:                5.2.3790 Service Pack 2 Build 3790\n"
        "OS Manufacturer:           Microsoft Corporation\n"
        "OS Configuration:          Contrôleur de domaine principal\n"
    )
    assert parse_systeminfo(out).release.product_type == DOMAIN_CONTROLLER
