import pytest

from fleet.models import Host, Wave
from tests.builders import make_host

URL = "/api/v1/waves/"


def detail(wave: Wave) -> str:
    return f"{URL}{wave.pk}/"


def test_a_viewer_lists_waves_with_host_counts_per_verdict(viewer_api, db):
    wave = Wave.objects.create(name="w1")
    make_host(wave=wave, verdict="not_ready")
    make_host(wave=wave, verdict="ready")
    make_host(wave=wave, verdict="ready")
    row = viewer_api.get(URL).json()["results"][0]
    assert (row["name"], row["host_count"]) == ("w1", 3)
    assert row["verdicts"]["ready"] == 2 and row["verdicts"]["not_ready"] == 1
    assert row["verdicts"]["conditional"] == 0


def test_an_operator_creates_edits_and_deletes_a_wave(operator_api):
    response = operator_api.post(URL, {"name": "w1", "target_date": "2027-01-31"}, format="json")
    assert response.status_code == 201, response.json()
    wave = Wave.objects.get()
    response = operator_api.patch(detail(wave), {"description": "first"}, format="json")
    assert response.status_code == 200
    wave.refresh_from_db()
    assert (str(wave.target_date), wave.description) == ("2027-01-31", "first")
    make_host(wave=wave)
    assert operator_api.delete(detail(wave)).status_code == 204
    assert Host.objects.get().wave is None


def test_bad_input_is_a_400_naming_the_fields(operator_api):
    Wave.objects.create(name="w1")
    response = operator_api.post(URL, {"name": "w1", "target_date": "soon"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "target_date"}


def test_a_viewer_may_not_write(viewer_api, db):
    assert viewer_api.post(URL, {"name": "w1"}, format="json").status_code == 403
    assert not Wave.objects.exists()


@pytest.mark.parametrize("waves", [3, 30])
def test_the_list_takes_a_fixed_number_of_queries(viewer_api, db, django_assert_num_queries, waves):
    for n in range(waves):
        make_host(wave=Wave.objects.create(name=f"w{n}"))
    with django_assert_num_queries(3 + 1):
        response = viewer_api.get(URL)
    assert len(response.json()["results"]) == waves


def test_a_list_where_one_value_belongs_is_a_400_naming_the_field(operator_api):
    response = operator_api.post(URL, {"name": ["w1", "w2"]}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    assert not Wave.objects.exists()


def test_a_number_where_a_date_belongs_is_a_400_naming_the_field(operator_api):
    response = operator_api.post(URL, {"name": "w1", "target_date": 20270131}, format="json")
    assert response.status_code == 400
    assert "target_date" in response.json()["errors"]
