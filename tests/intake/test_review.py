"""The coordinator's review (issue 17, item 3): levels, references, search, audit, PDF, sharing,
CLI; and the rendering of a testimony for people (item 1) in ``amanat testimony show``.

Real vaults (cheap KDF), a real bundle from a volunteer, real PDFs read back with pdftotext.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from intake.bundles.quarantine import receive_bundle
from intake.cli.main import main
from intake.core.app import AmanatCore
from intake.forms.definitions import builtin_form
from intake.review.errors import (
    BadReference,
    BadReview,
    ReviewNotAllowed,
    UnknownLevel,
    VictimNotFound,
)
from intake.review.store import ReviewStore, parse_reference
from intake.sharing.export import ShareOptions, export_data
from intake.testimonies.errors import InvalidContent
from intake.testimonies.render import changed_fields, content_lines, render_content
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault
from intake.vault.audit import AuditLog
from tests.conftest import PASSPHRASE, VaultFactory
from tests.intake.pdf.pdf_probe import pdf_text
from tests.intake.review_fixtures import coordinator_with_example
from tests.intake.testimony_fixtures import example_content, one_victim

REPR = re.compile(r"[\[{]\s*['\"]|['\"]\s*[:,\]}]|\b(True|False|None)\b")


@pytest.fixture
def coordinator(make_vault: VaultFactory) -> Vault:
    return make_vault(name="Dana Coordinator", role="coordinator", folder="coordinator")


@pytest.fixture
def received(make_vault: VaultFactory, coordinator: Vault, tmp_path: Path) -> str:
    volunteer = make_vault(name="Aigul Test", folder="volunteer")
    tid = coordinator_with_example(volunteer, coordinator, tmp_path / "out")
    (bundle,) = (tmp_path / "out").iterdir()
    receive_bundle(coordinator, bundle, None)
    return tid


def test_levels_are_set_audited_and_kept_outside_the_signed_versions(
    coordinator: Vault, received: str
) -> None:
    store = TestimonyStore(coordinator)
    hashes = [v.hash for v in store.versions(received)]
    reviews = ReviewStore(coordinator)
    assert reviews.level_of(received) == "unverified" and reviews.get(received) is None

    reviews.set_level(received, "corroborated", "Two relatives agree.", ["Interview 2019"])
    review = reviews.set_level(received, "verified", "Matches the court notice.", ["XJVD 1234"])
    assert review.reviewer_name == "Dana Coordinator"
    assert review.reviewer_fingerprint == coordinator_fingerprint(coordinator)
    assert reviews.get(received) == review
    assert [r.level for r in reviews.history(received)] == ["corroborated", "verified"]
    # the volunteer's evidence is untouched: same versions, same hashes, still valid
    assert [v.hash for v in store.versions(received)] == hashes
    assert all(store.verify_version(received, v.version_no) for v in store.versions(received))

    entries = AuditLog(coordinator).entries(received)
    reviewed = [e for e in entries if e.action == "review"]
    assert [e.details["level"] for e in reviewed] == ["corroborated", "verified"]
    assert all("Matches" not in json.dumps(dict(e.details)) for e in entries)  # no note text
    assert AuditLog(coordinator).verify().ok


def coordinator_fingerprint(vault: Vault) -> str:
    from intake.cards.registry import own_card

    return own_card(vault).fingerprint


def test_bad_reviews_are_refused_and_change_nothing(
    coordinator: Vault, received: str, make_vault: VaultFactory
) -> None:
    reviews = ReviewStore(coordinator)
    with pytest.raises(UnknownLevel):
        reviews.set_level(received, "certain")
    with pytest.raises(BadReview):
        reviews.set_level(received, "verified", "x" * 2001)
    with pytest.raises(BadReview):
        reviews.set_level(received, "verified", "", ["s"] * 21)
    with pytest.raises(VictimNotFound):
        reviews.add_reference(received, 4, "XJVD", "1")  # the example has three victims
    for text in ("XJVD", "XJVD:", ":12", "XJVD:12 34", "XJVD:12:ftp://x", "XJVD:1:http://a b"):
        with pytest.raises(BadReference):
            parse_reference(text)
    assert reviews.get(received) is None and reviews.references(received) == []
    assert not [e for e in AuditLog(coordinator).entries(received) if e.action == "review"]

    volunteer = make_vault(name="Volunteer", folder="v2")
    tid = TestimonyStore(volunteer).create_draft(example_content())
    with pytest.raises(ReviewNotAllowed):
        ReviewStore(volunteer).set_level(tid, "verified")


def test_references_are_searchable_and_levels_filter_and_sort(
    coordinator: Vault, received: str
) -> None:
    store = TestimonyStore(coordinator)
    others = [store.create_draft(one_victim({"latin": f"Person {n}"})) for n in range(3)]
    reviews = ReviewStore(coordinator)
    reviews.add_reference(
        received, 2, "XJVD", "1234", "https://shahit.biz/eng/viewentry.php?entryno=1234"
    )
    assert parse_reference("XJVD:1234:https://x.org/a?b=1") == (
        "XJVD",
        "1234",
        "https://x.org/a?b=1",
    )
    for query in ("1234", "XJVD:1234", "xjvd 1234"):
        assert [s.id for s in store.search(query)] == [received], query
    assert store.search("XJVD:9999") == [] and store.search("ABC:1234") == []
    refs = reviews.references(received)
    assert [(r.position, r.label) for r in refs] == [(2, "XJVD 1234")]
    assert [e.action for e in AuditLog(coordinator).entries(received)][-1] == "reference_add"

    reviews.set_level(others[1], "corroborated")
    reviews.set_level(received, "verified")
    assert [s.id for s in store.search(level="verified")] == [received]
    assert [s.id for s in store.search(level="corroborated")] == [others[1]]
    assert {s.id for s in store.search(level="unverified")} == {others[0], others[2]}
    ordered = [s.id for s in store.search(by_level=True)]
    assert ordered[:2] == [received, others[1]]
    with pytest.raises(InvalidContent):
        store.search(level="certain")

    reviews.remove_reference(received, 2, "XJVD", "1234")
    assert store.search("XJVD:1234") == []
    assert [e.action for e in AuditLog(coordinator).entries(received)][-1] == "reference_remove"


def test_review_is_printed_in_the_filled_pdf(
    coordinator: Vault, received: str, tmp_path: Path
) -> None:
    reviews = ReviewStore(coordinator)
    reviews.set_level(received, "verified", "Matches the court notice.", ["Court notice 2018"])
    reviews.add_reference(received, 1, "XJVD", "4321")
    core = AmanatCore(coordinator)
    full, redacted = tmp_path / "full.pdf", tmp_path / "redacted.pdf"
    with open(full, "wb") as f:
        core.print_testimony(received, "en", f)
    with open(redacted, "wb") as f:
        core.print_testimony(received, "en", f, redacted=True)
    text = " ".join(pdf_text(full).split())
    assert "Verification level Verified" in text
    assert "Dana Coordinator" in text and "Matches the court notice." in text
    assert "XJVD 4321" in text and "Victim 1 of 3" in text
    assert "Court notice 2018" in text
    shown = " ".join(pdf_text(redacted).split())
    assert "Verification level Verified" in shown
    assert "Matches the court notice." not in shown and "Court notice 2018" not in shown


def test_review_and_references_in_partner_exports(coordinator: Vault, received: str) -> None:
    reviews = ReviewStore(coordinator)
    reviews.set_level(received, "corroborated", "internal note", ["Second testimony"])
    reviews.add_reference(received, 2, "XJVD", "1234", "https://example.org/1234")
    options = ShareOptions(include_unconsented_names=True)

    out = io.BytesIO()
    export_data(coordinator, out, "json", options=options)
    (record,) = json.loads(out.getvalue())["records"]
    assert record["review"]["level"] == "corroborated"
    assert record["review"]["sources"] == ["Second testimony"]
    assert record["victim_references"] == [
        {"victim": 2, "source": "XJVD", "entry": "1234", "url": "https://example.org/1234"}
    ]
    assert "internal note" not in out.getvalue().decode()
    assert "Dana Coordinator" not in out.getvalue().decode()

    out = io.BytesIO()
    export_data(coordinator, out, "csv", options=options)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [r["review_level"] for r in rows] == ["corroborated"] * 3
    assert [r["victim_references"] for r in rows] == ["", "XJVD:1234", ""]

    # names withheld (no consent to publish): a public database entry would name the person
    out = io.BytesIO()
    export_data(coordinator, out, "json")
    (record,) = json.loads(out.getvalue())["records"]
    assert record["names_withheld"] is True and record["victim_references"] == []
    assert "1234" not in json.dumps(record["victim_references"])


def test_rendering_names_values_like_the_editor() -> None:
    form = builtin_form()
    content = example_content()
    lines = content_lines(render_content(form, content, "en"))
    text = "\n".join(lines)
    assert "== Victims · Victim 2 of 3" in lines
    assert "    Latin script: Tursun Ablimit" in lines
    assert "Ethnicity: Uyghur" in lines and "How the account was obtained: Directly" in text
    assert "Languages of the interview: Uyghur, Kazakh, Russian" in lines
    assert "Names may be published: No" in lines
    assert "Dates of detention: since 2017-11" in lines
    assert not REPR.search(text) and "{" not in text and "[" not in text
    for code in ("uyghur", "direct", "prison", "kk, ug"):
        assert f": {code}\n" not in text + "\n"

    ug = "\n".join(content_lines(render_content(form, content, "ug")))
    assert form.section("victims").item_label_in("ug") in ug  # type: ignore[union-attr]
    assert form.part_label("arabic", "ug") in ug and "Latin script" not in ug

    changed = content | {"consent": content["consent"] | {"publish_names": True}}
    (change,) = changed_fields(form, content, changed, "en")
    assert (change.label, change.before, change.after) == (
        "Consent · Names may be published",
        "No",
        "Yes",
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_review_search_level_and_show_without_reprs(
    coordinator: Vault,
    received: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = str(coordinator.path)
    coordinator.close()
    monkeypatch.setenv("AMANAT_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("AMANAT_LANG", raising=False)
    code, out, err = run(
        capsys,
        "review", received, "--vault", folder, "--level", "verified",
        "--note", "Matches the court notice.", "--source", "Court notice",
        "--ref", "XJVD:1234:https://example.org/1234", "--victim", "2",
    )  # fmt: skip
    assert code == 0, err
    assert "Verification level: Verified" in out
    assert "Victim 2 of 3: XJVD 1234" in out and "https://example.org/1234" in out

    code, out, err = run(capsys, "search", "--level", "verified", "--vault", folder, "--json")
    assert code == 0, err
    assert [(h["id"], h["level"]) for h in json.loads(out)] == [(received, "verified")]
    code, out, _ = run(capsys, "search", "--level", "unverified", "--vault", folder, "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "search", "XJVD:1234", "--vault", folder)
    assert received in out and "Verified" in out

    code, out, err = run(capsys, "testimony", "show", received, "--vault", folder)
    assert code == 0, err
    assert "{" not in out and "[" not in out and not REPR.search(out), out
    assert "Latin script: Tursun Ablimit" in out and "Victim 1 of 3" in out
    assert "Verification level: Verified" in out and "Ethnicity: Uyghur" in out
    assert "image/png" in out and "81 bytes" in out

    with pytest.raises(SystemExit) as refused:  # argparse: not one of the choices
        run(capsys, "review", received, "--vault", folder, "--level", "sure")
    assert refused.value.code == 2
    code, out, err = run(capsys, "testimony", "show", received, "--vault", folder, "--json")
    shown = json.loads(out)
    assert shown["review"]["level"] == "verified"
    assert shown["references"] == [
        {"victim": 2, "source": "XJVD", "entry": "1234", "url": "https://example.org/1234"}
    ]

    code, _, err = run(capsys, "review", received, "--vault", folder, "--ref", "XJVD")
    assert code == 8 and "SOURCE:ENTRY" in err
    code, _, err = run(capsys, "review", received, "--vault", folder, "--note", "x")
    assert code == 2
