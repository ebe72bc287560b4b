"""Access and comfort: the skip link, and a 403 page inside the layout naming the role."""

import logging

from django.urls import reverse


def test_the_skip_link_is_the_first_focusable_element_and_targets_main(viewer_client, db):
    html = viewer_client.get(reverse("overview")).content.decode()
    body = html[html.index("<body") :]
    assert body.index('class="skip-link" href="#content"') < body.index('class="brand"')
    assert '<main id="content"' in html


def test_the_403_page_names_the_needed_role_and_the_users_role(viewer_client, db):
    response = viewer_client.get(reverse("schedule-create"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "This page needs the operator role; you are a viewer." in text
    assert 'class="skip-link"' in text  # inside the layout


def test_the_403_page_tells_a_user_without_a_role(db, roleless_client):
    response = roleless_client.get(reverse("overview"))
    assert "This page needs the viewer role; you have no role." in response.content.decode()


def test_a_403_logs_a_warning_without_a_traceback(viewer_client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        viewer_client.get(reverse("schedule-create"))
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
