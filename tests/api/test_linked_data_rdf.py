"""JSON-LD as RDF tools read it: pyld and rdflib, which no one here wrote, turn the export and the items into the
same triples whatever base they are given, in the default graph, with links as IRIs."""

from __future__ import annotations

from typing import Any

import pytest
import rdflib
from fastapi.testclient import TestClient
from pyld import jsonld  # type: ignore[import-untyped]
from rdflib.namespace import SKOS

from tests.api.helpers import public_url

# rdflib 7's own JSON-LD parser calls its deprecated ConjunctiveGraph API; not ours to fix.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
]

LD_JSON = "application/ld+json"
SCHEMA = rdflib.Namespace("https://schema.org/")
SOURCE = "understanding-micrometastases-in-cancer"


def export(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/v1/export?format=jsonld").json()
    return document


def quads(document: dict[str, Any], **options: Any) -> list[dict[str, Any]]:
    """pyld's RDF dataset for a document: every quad of every graph, as pyld gives them."""
    dataset = jsonld.to_rdf(document, {"documentLoader": _no_remote_contexts, **options})
    return [quad | {"graph": name} for name, graph in dataset.items() for quad in graph]


def _no_remote_contexts(url: str, options: dict[str, Any]) -> None:
    raise AssertionError(f"the document must not need a remote context: {url}")


def test_a_saved_export_gives_the_same_triples_with_or_without_a_base(client: TestClient) -> None:
    document = export(client)

    without_base = quads(document)
    with_base = quads(document, base="http://elsewhere.example/some/path/")

    assert len(without_base) == len(with_base) > 600
    assert {quad["graph"] for quad in without_base} == {"@default"}  # every node in the default graph
    subjects = {quad["subject"]["value"] for quad in without_base if quad["subject"]["type"] == "IRI"}
    assert all(subject.startswith((public_url(client), "urn:micromet:")) for subject in subjects)


def test_rdflib_graph_reads_every_triple(client: TestClient) -> None:
    body = client.get("/v1/export?format=jsonld").content

    graph = rdflib.Graph().parse(data=body, format="json-ld")

    assert len(graph) == len(quads(export(client)))


def test_sparql_lists_the_therapies_with_their_schema_org_types(client: TestClient) -> None:
    graph = rdflib.Graph().parse(data=client.get("/v1/export?format=jsonld").content, format="json-ld")
    query = """
        PREFIX schema: <https://schema.org/>
        SELECT ?therapy ?name WHERE { ?therapy a schema:MedicalTherapy ; schema:name ?name }
    """

    found = {(str(row[0]), str(row[1])) for row in graph.query(query)}  # type: ignore[index]

    therapies = client.get("/v1/therapies?limit=100").json()["items"]
    assert found == {(public_url(client) + item["links"]["self"], item["name"]) for item in therapies}


def test_links_are_iris_not_text(client: TestClient) -> None:
    graph = rdflib.Graph().parse(data=client.get("/v1/export?format=jsonld").content, format="json-ld")
    base = public_url(client)
    ihc = rdflib.URIRef(f"{base}/v1/detection-methods/immunohistochemistry")
    liquid = rdflib.URIRef(f"{base}/v1/detection-methods/liquid-biopsy")
    section = rdflib.URIRef(f"{base}/v1/sources/{SOURCE}/sections/detection")

    assert rdflib.URIRef("http://id.nlm.nih.gov/mesh/D007150") in set(graph.objects(ihc, SCHEMA.sameAs))
    assert set(graph.objects(ihc, SCHEMA.url)) == {ihc}
    hormone = rdflib.URIRef(f"{base}/v1/therapies/hormone-therapy")
    assert set(graph.objects(hormone, SCHEMA.relatedLink)) == {rdflib.URIRef("http://id.nlm.nih.gov/mesh/D018931")}
    assert set(graph.objects(section, SCHEMA.isPartOf)) == {rdflib.URIRef(f"{base}/v1/sources/{SOURCE}")}
    analyzes = rdflib.URIRef("urn:micromet:analyzes")
    assert set(graph.objects(liquid, analyzes)) == {rdflib.URIRef(f"{base}/v1/concepts/circulating-tumor-dna")}
    every_object = [obj for _, predicate, obj in graph if predicate in {SCHEMA.sameAs, SCHEMA.url, SKOS.exactMatch}]
    assert every_object
    assert all(isinstance(obj, rdflib.URIRef) for obj in every_object)


def test_the_dataset_node_names_the_version(client: TestClient) -> None:
    version = client.get("/v1/meta").json()["dataset_version"]
    graph = rdflib.Graph().parse(data=client.get("/v1/export?format=jsonld").content, format="json-ld")

    dataset = rdflib.URIRef(f"urn:micromet:dataset:{version}")
    assert (dataset, rdflib.RDF.type, SCHEMA.Dataset) in graph
    assert str(graph.value(dataset, SCHEMA.version)) == version


@pytest.mark.parametrize(
    ("path", "schema_type"),
    [
        (f"/v1/sources/{SOURCE}", "ScholarlyArticle"),
        (f"/v1/sources/{SOURCE}/sections/prognosis", "CreativeWork"),
        ("/v1/therapies/adjuvant-therapy", "MedicalTherapy"),
    ],
)
def test_sources_sections_and_entities_answer_json_ld(client: TestClient, path: str, schema_type: str) -> None:
    response = client.get(path, headers={"Accept": LD_JSON})

    assert response.headers["content-type"] == LD_JSON
    assert "Accept" in response.headers["vary"]
    graph = rdflib.Graph().parse(data=response.content, format="json-ld")
    node = rdflib.URIRef(public_url(client) + path)
    assert (node, rdflib.RDF.type, SCHEMA[schema_type]) in graph
    # the same node as in the export: every triple of the item (its quotations, blank nodes, aside) is the export's
    exported = rdflib.Graph().parse(data=client.get("/v1/export?format=jsonld").content, format="json-ld")
    named = {triple for triple in graph if not any(isinstance(term, rdflib.BNode) for term in triple)}
    assert len(named) > 3
    assert named <= set(exported)


@pytest.mark.parametrize("path", [f"/v1/sources/{SOURCE}", f"/v1/sources/{SOURCE}/sections/prognosis"])
def test_a_lower_q_for_json_ld_gets_json(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "application/ld+json;q=0.5, application/json"})

    assert response.headers["content-type"] == "application/json"
    assert response.json()["slug"]


def test_a_section_node_is_part_of_its_source(client: TestClient) -> None:
    node = client.get(f"/v1/sources/{SOURCE}/sections/prognosis", headers={"Accept": LD_JSON}).json()

    assert node["@id"] == f"{public_url(client)}/v1/sources/{SOURCE}/sections/prognosis"
    assert node["isPartOf"] == {"@id": f"{public_url(client)}/v1/sources/{SOURCE}"}


SECTION = f"/v1/sources/{SOURCE}/sections/prognosis"


@pytest.mark.parametrize("fields", ["heading", "text", "start,end", "position", "relations", "source_slug", "links"])
def test_a_sparse_section_answers_json_ld_with_its_iri(client: TestClient, fields: str) -> None:
    """A section's sparse fieldset may leave out its source; its node still names itself (a 500 before)."""
    response = client.get(f"{SECTION}?fields={fields}", headers={"Accept": LD_JSON})

    assert response.status_code == 200, response.text
    assert response.json()["@id"] == public_url(client) + SECTION
    assert response.json()["@type"] == "CreativeWork"


def test_the_export_is_the_same_bytes_whatever_seed_made_it(client: TestClient) -> None:
    """The JSON-LD names the dataset by its version only, not by when this database was seeded, so replicas
    seeded apart serve the same file for the same dataset version."""
    graph = client.get("/v1/export?format=jsonld").json()["@graph"]
    generated_at = client.get("/v1/meta").json()["generated_at"]

    [dataset] = [node for node in graph if node["@type"] == "Dataset"]
    assert set(dataset) == {"@id", "@type", "version"}
    assert generated_at not in client.get("/v1/export?format=jsonld").text
