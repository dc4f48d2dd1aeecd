"""Bulk export: every format from the API, the same bytes from the CLI, a manifest and digests that check out."""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import SKOS
from typer.testing import CliRunner

from app.cli import cli
from app.settings import Settings
from tests.api.helpers import assert_problem, invalid_names, public_url

MEDIA = {
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "csv": "application/zip",
    "jsonld": "application/ld+json",
}


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def rfc9530_sha256(content: bytes) -> str:
    return f"sha-256=:{base64.b64encode(hashlib.sha256(content).digest()).decode()}:"


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
@pytest.mark.parametrize("export_format", list(MEDIA))
def test_an_export_names_its_dataset_and_digests_per_rfc_9530(
    client: TestClient, export_format: str, encoding: str
) -> None:
    """Repr-Digest and Content-Digest hash the bytes as sent, content coding included (RFC 9530);
    X-Content-SHA256 is the hex sha-256 of the file itself, decoded."""
    version = client.get("/v1/meta").json()["dataset_version"]
    with client.stream("GET", f"/v1/export?format={export_format}", headers={"Accept-Encoding": encoding}) as response:
        wire = b"".join(response.iter_raw())
        decoded = gzip.decompress(wire) if response.headers.get("content-encoding") == "gzip" else wire

    assert response.status_code == 200
    assert response.headers.get("content-encoding", "identity") == encoding
    assert response.headers["content-type"].startswith(MEDIA[export_format])
    assert response.headers["x-dataset-version"] == version
    assert response.headers["x-content-sha256"] == sha256(decoded)
    assert response.headers["repr-digest"] == rfc9530_sha256(wire)
    assert response.headers["content-digest"] == rfc9530_sha256(wire)
    assert version in response.headers["content-disposition"]
    if encoding == "gzip":
        assert response.headers["repr-digest"] != rfc9530_sha256(decoded)


@pytest.mark.parametrize("export_format", ["json", "ndjson", "jsonld"])
def test_the_manifest_describes_the_single_file(client: TestClient, export_format: str) -> None:
    body = client.get(f"/v1/export?format={export_format}").content
    manifest = client.get(f"/v1/export/manifest?format={export_format}").json()

    [entry] = manifest["files"]
    assert entry["sha256"] == sha256(body)
    assert entry["bytes"] == len(body)
    assert manifest["format"] == export_format


def test_json_holds_every_resource_as_the_api_shows_it(client: TestClient) -> None:
    document = client.get("/v1/export?format=json").json()
    counts = client.get("/v1/meta").json()["counts"]

    for kind, count in counts.items():
        assert len(document[kind]) == count, kind
        assert {item["type"] for item in document[kind]} == {kind}
    item = client.get("/v1/therapies/adjuvant-therapy").json()
    assert next(t for t in document["therapy"] if t["slug"] == "adjuvant-therapy") == item


def test_json_keys_are_type_names_and_the_first_plural_spellings_stay_as_deprecated_aliases(
    client: TestClient,
) -> None:
    """One naming scheme: each list's key is its items' `type` (as in CSV's file names and NDJSON's `type`).
    `/v1` renames nothing, so `sources` and `sections` stay, with the same content, listed as deprecated."""
    document = client.get("/v1/export?format=json").json()
    types = set(client.get("/v1/meta").json()["counts"])

    lists = {key for key, value in document.items() if isinstance(value, list)}
    assert lists - types == set(document["deprecated_keys"]) == {"sources", "sections"}
    assert document["deprecated_keys"] == {"sources": "source", "sections": "section"}
    for old, new in document["deprecated_keys"].items():
        assert document[old] == document[new]


def test_ndjson_is_one_resource_per_line(client: TestClient) -> None:
    lines = client.get("/v1/export?format=ndjson").content.decode().splitlines()
    counts = client.get("/v1/meta").json()["counts"]

    assert len(lines) == sum(counts.values())
    assert {json.loads(line)["type"] for line in lines} == set(counts)


def test_csv_is_a_zip_of_one_file_per_type_with_stable_columns_and_the_manifest(client: TestClient) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/v1/export?format=csv").content))
    counts = client.get("/v1/meta").json()["counts"]
    manifest = json.loads(archive.read("manifest.json"))

    names = {entry["name"] for entry in manifest["files"]}
    per_type = {f"{kind}.csv" for kind in counts if kind != "source"} | {"relation.csv"}
    # the data package adds its normalized tables and descriptor (tests/api/test_datapackage.py)
    package = {f"{name}.csv" for name in ("source", "entity", "synonym", "code", "quote", "quote_support")}
    assert names == per_type | package | {"datapackage.json"}
    for entry in manifest["files"]:
        assert sha256(archive.read(entry["name"])) == entry["sha256"]
    therapies = list(csv.reader(io.StringIO(archive.read("therapy.csv").decode())))
    assert therapies[0] == [
        "slug", "name", "summary", "category", "aim", "timing", "indication", "synonyms", "codes", "sections", "quotes",
    ]  # fmt: skip
    assert len(therapies) - 1 == counts["therapy"]
    hormone = next(row for row in therapies if row[0] == "hormone-therapy")
    assert "C15445 (exact: Hormone Therapy)" in hormone[8]
    adjuvant = next(row for row in therapies if row[0] == "adjuvant-therapy")
    assert "D017024 (narrow: Chemotherapy, Adjuvant)" in adjuvant[8]


def test_csv_holds_every_relation_once_with_the_quote_that_states_it(client: TestClient) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/v1/export?format=csv").content))
    text = client.get("/v1/sources/understanding-micrometastases-in-cancer/text").text

    rows = list(csv.DictReader(io.StringIO(archive.read("relation.csv").decode())))

    assert list(rows[0]) == [
        "subject_type", "subject_slug", "predicate", "object_type", "object_slug", "section", "quote", "start", "end",
    ]  # fmt: skip
    assert len(rows) == 32
    assert all(text[int(row["start"]) : int(row["end"])] == row["quote"] for row in rows)
    addresses = [row for row in rows if row["subject_slug"] == "nanotechnology"]
    assert [(row["predicate"], row["object_slug"]) for row in addresses] == [
        ("addresses", "small-size-and-difficult-detection")
    ]


def test_csv_export_is_byte_stable(client: TestClient) -> None:
    assert client.get("/v1/export?format=csv").content == client.get("/v1/export?format=csv").content


def nodes_by_path(client: TestClient) -> dict[str, dict[str, Any]]:
    """The export's nodes by their IRI's path on the public URL (every @id is absolute)."""
    base = public_url(client)
    graph = client.get("/v1/export?format=jsonld").json()["@graph"]
    return {node["@id"].removeprefix(base): node for node in graph}


def test_jsonld_types_entities_with_schema_org_and_links_exact_codes_only(client: TestClient) -> None:
    document = client.get("/v1/export?format=jsonld").json()
    nodes = nodes_by_path(client)

    assert document["@context"]["@vocab"] == "https://schema.org/"
    ihc = nodes["/v1/detection-methods/immunohistochemistry"]
    assert ihc["@type"] == "MedicalTest"
    assert "http://id.nlm.nih.gov/mesh/D007150" in ihc["sameAs"]
    assert "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#C23020" in ihc["sameAs"]
    hormone = nodes["/v1/therapies/hormone-therapy"]
    assert hormone["@type"] == "MedicalTherapy"
    assert "http://id.nlm.nih.gov/mesh/D018931" not in hormone["sameAs"]
    assert "http://id.nlm.nih.gov/mesh/D018931" in hormone["relatedLink"]
    assert nodes["/v1/findings/poorer-prognosis"]["@type"] == "Claim"
    assert all(quote["@type"] == "Quotation" for quote in ihc["citation"])


# rdflib's own JSON-LD parser calls its deprecated ConjunctiveGraph API (rdflib 7.x); not ours to fix.
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_an_rdf_processor_reads_every_code_as_its_skos_mapping(client: TestClient) -> None:
    """rdflib, not our code, expands the JSON-LD: each code becomes the SKOS property of its match type, and
    schema.org's sameAs holds the exact matches alone."""
    base = public_url(client)
    graph = rdflib.Graph().parse(data=client.get("/v1/export?format=jsonld").content, format="json-ld")
    schema_same_as = rdflib.URIRef("https://schema.org/sameAs")
    property_of = {
        "exact": SKOS.exactMatch,
        "broad": SKOS.broadMatch,
        "narrow": SKOS.narrowMatch,
        "related": SKOS.relatedMatch,
    }

    checked = 0
    for collection in ["detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"]:
        for item in client.get(f"/v1/{collection}?limit=100").json()["items"]:
            node = rdflib.URIRef(base + item["links"]["self"])
            same_as = set(graph.objects(node, schema_same_as))
            for code in item["codes"]:
                separator = "#" if "Thesaurus" in code["system"] else "/"
                uri = rdflib.URIRef(f"{code['system']}{separator}{code['code']}")
                matched = {p for p in graph.predicates(node, uri) if p in property_of.values()}
                assert matched == {property_of[code["match"]]}, (item["slug"], code)
                assert (uri in same_as) == (code["match"] == "exact"), (item["slug"], code)
                checked += 1
    pcr = rdflib.URIRef(f"{base}/v1/detection-methods/polymerase-chain-reaction")
    assert (pcr, SKOS.narrowMatch, rdflib.URIRef("http://id.nlm.nih.gov/mesh/D060888")) in graph
    assert checked >= 30


@pytest.mark.parametrize("bad", ["xml", "JSON", "", "json,csv"])
def test_an_unknown_format_is_a_422(client: TestClient, bad: str) -> None:
    assert invalid_names(assert_problem(client.get(f"/v1/export?format={bad}"), 422)) == ["format"]


@pytest.mark.parametrize("export_format", ["json", "ndjson", "jsonld", "csv"])
def test_the_cli_writes_the_same_bytes_as_the_api(
    client: TestClient, api_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export_format: str
) -> None:
    monkeypatch.setenv("MICROMET_DATABASE_URL", api_settings.database_url)
    result = CliRunner().invoke(cli, ["export", "--format", export_format, "--out", str(tmp_path)])
    served = client.get(f"/v1/export?format={export_format}").content

    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    if export_format == "csv":
        archive = zipfile.ZipFile(io.BytesIO(served))
        for entry in manifest["files"]:
            assert (tmp_path / entry["name"]).read_bytes() == archive.read(entry["name"])
        assert (tmp_path / "manifest.json").read_bytes() == archive.read("manifest.json")
    else:
        [entry] = manifest["files"]
        assert (tmp_path / entry["name"]).read_bytes() == served
    for entry in manifest["files"]:
        assert sha256((tmp_path / entry["name"]).read_bytes()) == entry["sha256"]


def test_the_cli_export_of_an_empty_database_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROMET_DATABASE_URL", f"sqlite:///{tmp_path / 'missing.sqlite3'}")

    result = CliRunner().invoke(cli, ["export", "--out", str(tmp_path / "out")])

    assert result.exit_code == 4
    assert "Traceback" not in result.output


LD = {"Accept": "application/ld+json"}


def test_an_item_answers_json_ld_when_asked(client: TestClient) -> None:
    response = client.get("/v1/detection-methods/immunohistochemistry", headers=LD)
    node = response.json()

    assert response.headers["content-type"].startswith("application/ld+json")
    assert node["@context"]["@vocab"] == "https://schema.org/"
    assert node["@type"] == "MedicalTest"
    assert "http://id.nlm.nih.gov/mesh/D007150" in node["sameAs"]


def test_json_and_json_ld_of_one_url_are_cached_apart(client: TestClient) -> None:
    path = "/v1/therapies/hormone-therapy"
    plain_before = client.get(path)
    linked = client.get(path, headers=LD)
    plain_after = client.get(path)

    assert plain_before.json()["slug"] == plain_after.json()["slug"] == "hormone-therapy"
    assert "@type" in linked.json()
    assert linked.headers["etag"] != plain_after.headers["etag"]
    assert "Accept" in linked.headers["vary"]
    assert client.get(path, headers={**LD, "If-None-Match": linked.headers["etag"]}).status_code == 304


@pytest.mark.parametrize("accept", ["application/ld+json;q=0", "application/json", "text/html", "*/*"])
def test_other_accepts_get_plain_json(client: TestClient, accept: str) -> None:
    response = client.get("/v1/concepts/prognosis", headers={"Accept": accept})

    assert response.headers["content-type"] == "application/json"
    assert response.json()["slug"] == "prognosis"


def test_the_item_operations_document_json_ld(client: TestClient) -> None:
    document = client.get("/openapi.json").json()

    for collection in ["detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"]:
        content = document["paths"][f"/v1/{collection}/{{slug}}"]["get"]["responses"]["200"]["content"]
        assert set(content) == {"application/json", "application/ld+json"}


def test_jsonld_links_each_entity_to_what_it_states_a_relation_with(client: TestClient) -> None:
    nodes = nodes_by_path(client)
    base = public_url(client)

    liquid = nodes["/v1/detection-methods/liquid-biopsy"]
    assert liquid["micromet:detects"] == [{"@id": f"{base}/v1/concepts/micrometastasis"}]
    assert liquid["micromet:analyzes"] == [{"@id": f"{base}/v1/concepts/circulating-tumor-dna"}]
    direction = nodes["/v1/research-directions/nanotechnology"]
    assert direction["micromet:addresses"] == [{"@id": f"{base}/v1/challenges/small-size-and-difficult-detection"}]
    # a relation appears once, on the entity that states it; its target exists in the graph
    assert "micromet:addresses" not in nodes["/v1/challenges/small-size-and-difficult-detection"]
    targets = [
        ref["@id"]
        for node in nodes.values()
        for key, refs in node.items()
        if key.startswith("micromet:")
        for ref in refs
    ]
    assert len(targets) == 32
    assert all(target.removeprefix(base) in nodes for target in targets)


@pytest.mark.parametrize("export_format", list(MEDIA))
def test_the_export_headers_are_documented_and_answer_as_documented(client: TestClient, export_format: str) -> None:
    declared = client.get("/openapi.json").json()["paths"]["/v1/export"]["get"]["responses"]["200"]["headers"]
    response = client.get(f"/v1/export?format={export_format}")

    assert set(declared) == {
        "X-Dataset-Version",
        "Content-Disposition",
        "Repr-Digest",
        "Content-Digest",
        "X-Content-SHA256",
    }
    for name, header in declared.items():
        value = response.headers[name]
        if "pattern" in header["schema"]:
            assert re.fullmatch(header["schema"]["pattern"], value), (name, value)
