"""flask rules validate / import / export work on files."""

import json

from app.models import RuleSetVersion
from config import BASE_DIR


def test_validate_default_files(app):
    result = app.test_cli_runner().invoke(args=["rules", "validate", str(BASE_DIR / "rules")])
    assert result.exit_code == 0, result.output
    assert result.output.count("valid") == 5


def test_validate_bad_file_exits_non_zero_and_lists_problems(app, tmp_path):
    doc = json.loads((BASE_DIR / "rules" / "routing.json").read_text())
    doc["rules"][0]["actions"][0]["name"] = "assign_tem"
    doc["rules"][1]["conditions"] = {"all": []}
    bad = tmp_path / "routing.json"
    bad.write_text(json.dumps(doc))
    result = app.test_cli_runner().invoke(args=["rules", "validate", str(bad)])
    assert result.exit_code == 1
    assert "2 problem(s)" in result.output
    assert "did you mean 'assign_team'" in result.output
    assert "rules[1].conditions.all" in result.output


def test_unreadable_file_is_a_clear_error(app, tmp_path):
    broken = tmp_path / "x.json"
    broken.write_text("{not json")
    result = app.test_cli_runner().invoke(args=["rules", "validate", str(broken)])
    assert result.exit_code != 0 and "cannot read JSON" in result.output


def test_import_and_export_round_trip(app, session, tmp_path):
    runner = app.test_cli_runner()
    doc = json.loads((BASE_DIR / "rules" / "sla.json").read_text())
    doc["rules"] = doc["rules"][-5:]  # only the level table
    src = tmp_path / "sla.json"
    src.write_text(json.dumps(doc))
    result = runner.invoke(args=["rules", "import", str(src), "--comment", "table only"])
    assert result.exit_code == 0, result.output
    assert "published sla version 2" in result.output
    out = tmp_path / "out"
    result = runner.invoke(args=["rules", "export", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads((out / "sla.json").read_text())
    assert exported["version"] == 2 and exported["comment"] == "table only"
    assert exported["rules"] == doc["rules"]
    assert len(list(out.glob("*.json"))) == 5


def test_import_of_invalid_file_saves_nothing(app, session, tmp_path):
    doc = json.loads((BASE_DIR / "rules" / "grading.json").read_text())
    doc["rules"][0]["actions"][0]["params"]["level"] = 7
    bad = tmp_path / "grading.json"
    bad.write_text(json.dumps(doc))
    result = app.test_cli_runner().invoke(args=["rules", "import", str(bad)])
    assert result.exit_code == 1
    assert session.query(RuleSetVersion).filter_by(kind="grading").count() == 1
