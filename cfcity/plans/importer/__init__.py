"""Plan document importer: a plain library (no Django) — document in, typed plan out.

    from cfcity.plans.importer import parse_file
    plan = parse_file("plan.docx")        # .docx .pdf .txt .md, or .json/.yaml from `plan export`

Raises ``PlanDocumentError`` (message in Chinese, with file and line) when the document
cannot honestly be read; otherwise returns a ``Plan`` whose ``warnings`` list every doubt.
"""
from .errors import PlanDocumentError
from .model import Action, Baseline, Domain, Period, Plan, Section, Target, Task, Warning
from .parser import parse_bytes, parse_file, parse_lines
from .serialize import from_dict, to_dict, to_json, to_yaml

__all__ = [
    "PlanDocumentError", "Plan", "Domain", "Action", "Task", "Target", "Baseline", "Section",
    "Warning", "Period", "parse_file", "parse_bytes", "parse_lines", "to_dict", "from_dict",
    "to_json", "to_yaml",
]
