"""The JSON/YAML form: lossless both ways, and hand edits checked field by field."""
import copy
import json
from pathlib import Path

import pytest
import yaml

from cfcity.plans.importer import PlanDocumentError, from_dict, parse_file, to_dict, to_json, to_yaml
from cfcity.plans.importer.serialize import load_structured

REFERENCE = Path(__file__).resolve().parents[2] / "cfcity" / "data" / "huantai-2022-33-child-friendly-city-action-plan.txt"


@pytest.fixture(scope="module")
def plan_dict():
    return to_dict(parse_file(REFERENCE))


def test_json_and_yaml_round_trip_is_lossless(plan_dict):
    plan = from_dict(plan_dict)
    assert to_dict(plan) == plan_dict
    assert to_dict(from_dict(json.loads(to_json(plan)))) == plan_dict
    assert to_dict(from_dict(yaml.safe_load(to_yaml(plan)))) == plan_dict
    assert "桓台县" in to_yaml(plan)  # readable Chinese, not \u escapes


def test_hand_corrected_yaml_is_read_back(tmp_path, plan_dict):
    d = copy.deepcopy(plan_dict)
    d["domains"][0]["actions"][0]["tasks"][0]["lead_departments"].append("县财政局")
    d["domains"][1]["actions"][0]["tasks"][0]["targets"][0]["value"] = "5"  # typed as text by hand
    f = tmp_path / "plan.yaml"
    f.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    plan = load_structured(f, f.read_bytes())
    assert plan.task(1).lead_departments[-1] == "县财政局"
    assert plan.task(6).targets[0].value == 5.0


@pytest.mark.parametrize("path,value,expect", [
    (("domains", 0, "actions", 1, "tasks", 0, "targets"), [{"indicator": "x", "comparator": "≈", "value": 1}],
     "domains[0].actions[1].tasks[0].targets[0].comparator"),
    (("domains", 0, "actions", 0, "tasks", 0, "number"), "第一", "domains[0].actions[0].tasks[0].number"),
    (("domains", 0, "title"), None, "domains[0].title"),
    (("domains", 1, "actions", 0, "tasks", 0, "targets"), [{"indicator": "x", "kind": "weekly"}],
     "domains[1].actions[0].tasks[0].targets[0].kind"),
    (("domains", 1, "actions", 0, "tasks", 0, "targets"), [{"indicator": "x", "comparator": "between", "value": 3}],
     "domains[1].actions[0].tasks[0].targets[0]"),
    (("domains", 1, "actions", 0, "tasks", 0, "targets"), [{"indicator": "x", "comparator": ">=", "value": "很多"}],
     "domains[1].actions[0].tasks[0].targets[0].value"),
    (("domains",), {"not": "a list"}, "domains"),
    (("domains", 0, "actions", 0, "tasks", 0, "lead_departments"), ["县教育局", ""],
     "domains[0].actions[0].tasks[0].lead_departments[1]"),
])
def test_bad_hand_edits_name_the_field(plan_dict, path, value, expect):
    d = copy.deepcopy(plan_dict)
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(PlanDocumentError) as e:
        from_dict(d, file="plan.yaml")
    assert expect in str(e.value) and "plan.yaml" in str(e.value)


def test_broken_json_and_yaml_give_the_line(tmp_path):
    f = tmp_path / "plan.json"
    f.write_text('{\n  "title": "x",\n  "domains": [\n}', encoding="utf-8")
    with pytest.raises(PlanDocumentError) as e:
        load_structured(f, f.read_bytes())
    assert "JSON" in str(e.value) and e.value.line == 4
    f = tmp_path / "plan.yaml"
    f.write_text("title: x\ndomains: [\n  - a: b\n  c", encoding="utf-8")
    with pytest.raises(PlanDocumentError) as e:
        load_structured(f, f.read_bytes())
    assert "YAML" in str(e.value) and e.value.line is not None


def test_a_yaml_that_is_not_a_plan(tmp_path):
    f = tmp_path / "plan.yaml"
    f.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(PlanDocumentError, match="应为对象"):
        load_structured(f, f.read_bytes())


def test_gb18030_yaml_is_read(tmp_path, plan_dict):
    f = tmp_path / "plan.yaml"
    f.write_bytes(yaml.safe_dump(plan_dict, allow_unicode=True).encode("gb18030"))
    assert to_dict(load_structured(f, f.read_bytes())) == plan_dict


def test_unquoted_yaml_date_is_accepted(tmp_path, plan_dict):
    text = yaml.safe_dump(plan_dict, allow_unicode=True).replace("date: '2022-10-19'", "date: 2022-10-19")
    assert "date: 2022-10-19" in text
    f = tmp_path / "plan.yaml"
    f.write_text(text, encoding="utf-8")
    assert load_structured(f, f.read_bytes()).date == "2022-10-19"
