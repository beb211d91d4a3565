"""The repository stands on its own: its legal rules are in its own docs/domain.md, each with its
article and status; every rule-set entry is in docs/rule-sets.md as the data says; and no file
points at a document outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from services.dossiers import ruleset_doc
from services.dossiers.domain.rules import RuleBook

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "docs" / "domain.md"


def test_the_repository_carries_its_own_domain_document_with_every_rule_sourced() -> None:
    """Every rule of docs/domain.md (a line `- **X1 — …**`) names its article and says whether the
    text was read (confirmed / unconfirmed)."""
    text = DOMAIN.read_text(encoding="utf-8")
    rules = re.split(r"\n- \*\*(?=[A-Z]\d+ — )", text)[1:]
    assert len(rules) >= 35
    for rule in rules:
        rule = rule.split("\n\n")[0]
        assert re.search(r"\bconfirmed\b|\bunconfirmed\b", rule), rule[:80]
        assert re.search(r"Art\.|Điều|NĐ|NQ|QĐ|Law|dispatch|Dispatch|TT|text|record|article", rule), rule[:80]
    for rule_set in RuleBook.load().rule_sets:
        assert rule_set.id in text


def test_the_rule_set_document_is_what_the_data_says() -> None:
    """docs/rule-sets.md is generated from the rule sets (`tdkt rule-sets`); it must not drift."""
    committed = (ROOT / "docs" / "rule-sets.md").read_text(encoding="utf-8")
    assert committed == ruleset_doc.render(RuleBook.load()), "docs/rule-sets.md is stale: run `tdkt rule-sets`"


def test_no_file_in_the_repository_points_outside_it() -> None:
    """The team's working documents live outside the repository; nothing here may refer to them
    by path."""
    outside = ("/work" + "/", ".." + "/shared/", "shared" + "/docs/")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    offenders = []
    for name in tracked.split():
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".jpg", ".pdf", ".ico"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [f"{name}: {p}" for p in outside if p in text]
    assert offenders == []


def test_the_architecture_and_the_how_to_name_only_files_that_exist() -> None:
    """docs/architecture.md and docs/howto.md point at the code by path; a move must update them."""
    for doc in ("architecture.md", "howto.md"):
        text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
        paths = set(re.findall(r"`((?:services|shared|tests|docs)/[\w./-]+)`", text))
        assert paths, doc
        missing = sorted(p for p in paths if not (ROOT / p.rstrip("/")).exists())
        assert missing == [], f"{doc} names files that do not exist: {missing}"
