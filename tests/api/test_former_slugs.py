"""A renamed entity keeps its old URLs: `former_slugs` answer a 301 to the current item, card and oEmbed, and the
seed refuses a former slug that would hide a live one."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.content.errors import ContentError
from app.content.pipeline import check
from tests.conftest import fresh_client
from tests.content.helpers import read_items, write_items

OLD, NEW = "hormone-therapy", "endocrine-therapy"


def rename(seed_dir: Path) -> None:
    """The hormone therapy published under a new slug: every reference follows, the old slug is kept."""
    for path in (seed_dir / "content").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(f"slug: {OLD}\n", f"slug: {NEW}\n"))
    therapies = read_items(seed_dir, "therapies.yaml")
    entity = next(item for item in therapies if item["slug"] == NEW)
    entity["former_slugs"] = [OLD]
    write_items(seed_dir, "therapies.yaml", therapies)


@pytest.fixture
def renamed(tmp_path: Path, seed_dir: Path) -> TestClient:
    rename(seed_dir)
    return fresh_client(tmp_path, seed_dir=seed_dir)


def test_the_old_item_and_card_urls_answer_a_301_to_the_new_ones(renamed: TestClient) -> None:
    with renamed as client:
        item = client.get(f"/v1/therapies/{OLD}?fields=name", follow_redirects=False)
        card = client.get(f"/v1/therapies/{OLD}/card", follow_redirects=False)
        followed = client.get(f"/v1/therapies/{OLD}")
        gone = client.get("/v1/therapies/never-was")

    assert (item.status_code, item.headers["location"]) == (301, f"/v1/therapies/{NEW}?fields=name")
    assert item.headers["cache-control"].startswith("public, max-age=")
    assert (card.status_code, card.headers["location"]) == (301, f"/v1/therapies/{NEW}/card")
    assert followed.status_code == 200
    assert followed.json()["slug"] == NEW
    assert gone.status_code == 404


def test_oembed_of_an_old_url_answers_a_301_to_the_oembed_of_the_new_one(renamed: TestClient) -> None:
    with renamed as client:
        origin = client.app.state.settings.public_url  # type: ignore[attr-defined]
        response = client.get("/v1/oembed", params={"url": f"{origin}/v1/therapies/{OLD}"}, follow_redirects=False)
        followed = client.get("/v1/oembed", params={"url": f"{origin}/v1/therapies/{OLD}", "maxwidth": "300"})

    assert response.status_code == 301
    assert f"therapies%2F{NEW}" in response.headers["location"]
    assert followed.status_code == 200
    assert followed.json()["width"] == 300


def test_a_former_slug_that_is_a_live_slug_is_refused(seed_dir: Path) -> None:
    therapies = read_items(seed_dir, "therapies.yaml")
    therapies[0]["former_slugs"] = [therapies[1]["slug"]]
    write_items(seed_dir, "therapies.yaml", therapies)

    with pytest.raises(ContentError) as caught:
        check(seed_dir)

    assert any("is a live therapy slug" in problem for problem in caught.value.problems)


def test_two_entities_may_not_claim_one_former_slug(seed_dir: Path) -> None:
    therapies = read_items(seed_dir, "therapies.yaml")
    therapies[0]["former_slugs"] = ["old-name"]
    therapies[1]["former_slugs"] = ["old-name"]
    write_items(seed_dir, "therapies.yaml", therapies)

    with pytest.raises(ContentError) as caught:
        check(seed_dir)

    assert any("is also" in problem for problem in caught.value.problems)
