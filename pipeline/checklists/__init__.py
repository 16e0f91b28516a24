"""Checklists as versioned data: the rule language, its loader and the engine that applies it.

``load_checklists(extra_dirs)`` gives the registry (built-ins in ``builtin/`` plus user folders);
``check_packet(registry, packet, documents, identity_problems, workflow)`` gives the
``ChecklistResult``. The rule language is described in README.md beside this file.
"""

from pipeline.checklists.engine import check_packet, choose_checklist, reference_date
from pipeline.checklists.loader import ChecklistRegistry, load_checklist_file, load_checklists
from pipeline.checklists.rules import Checklist

__all__ = ["Checklist", "ChecklistRegistry", "check_packet", "choose_checklist", "load_checklist_file",
           "load_checklists", "reference_date"]
