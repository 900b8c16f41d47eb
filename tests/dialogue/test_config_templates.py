"""Config and template validation: errors at load, naming the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.config import DialogueConfig, Route, load_dialogue_config
from dialogue.errors import InvalidDialogueConfig, TemplateError
from dialogue.templates import TEMPLATE_VARIABLES, load_templates, templates_from_mapping
from tests.dialogue.helpers import ROOT


def test_config_defaults_match_issue() -> None:
    config = DialogueConfig.from_dict({})
    assert (config.verification, config.max_attempts, config.after_confirm) == ("email", 3, "handoff")
    assert (config.stale_after_hours, config.max_orders_listed) == (72.0, 3)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"verification": "sms"}, "dialogue.verification"),
        ({"max_attempts": 0}, "dialogue.max_attempts"),
        ({"after_confirm": "close"}, "dialogue.after_confirm"),
        ({"session_ttl": "soon"}, "dialogue.session_ttl"),
        ({"stale_after_hours": -1}, "dialogue.stale_after_hours"),
        ({"team_language": "de"}, "dialogue.team_language"),
        ({"routes": [{"reason": "lost", "team": "x"}]}, "dialogue.routes[0].reason"),
        ({"max_atempts": 3}, "dialogue.max_atempts"),
    ],
)
def test_config_from_dict_names_bad_key(data: dict, key: str) -> None:
    with pytest.raises(InvalidDialogueConfig, match=key.replace("[", r"\[").replace("]", r"\]")):
        DialogueConfig.from_dict(data)


def test_config_session_ttl_accepts_durations() -> None:
    assert DialogueConfig.from_dict({"session_ttl": "2h"}).session_ttl == 7200


def test_config_team_for_uses_first_matching_route() -> None:
    config = DialogueConfig(
        default_team="support",
        routes=(
            Route("shipping-fr", reason="stuck_shipment", language="fr"),
            Route("shipping", "stuck_shipment"),
        ),
    )
    assert config.team_for("stuck_shipment", "fr") == "shipping-fr"
    assert config.team_for("stuck_shipment", "en") == "shipping"
    assert config.team_for("not_found", "en") == "support"


def test_config_project_file_is_valid() -> None:
    config = load_dialogue_config(ROOT / "wismo.yml")
    assert config.verification in ("none", "email", "postcode")


def test_templates_project_files_are_complete() -> None:
    templates = load_templates(ROOT / "training_data")
    assert all(templates.has(name, lang) for name in TEMPLATE_VARIABLES for lang in ("en", "fr"))


def test_templates_missing_template_fails_at_load() -> None:
    with pytest.raises(TemplateError, match="lacks template"):
        templates_from_mapping({"en": {"greet": "Hi"}})


def test_templates_unknown_variable_fails_at_load() -> None:
    full = {name: "x" for name in TEMPLATE_VARIABLES}
    full["ask_email"] = "Email for {order_number}?"
    with pytest.raises(TemplateError, match=r"responses.ask_email: unknown variable \{order_number\}"):
        templates_from_mapping({"en": full})


def test_templates_unknown_name_fails_at_load() -> None:
    full = {name: "x" for name in TEMPLATE_VARIABLES} | {"gret": "Hi"}
    with pytest.raises(TemplateError, match=r"responses\.gret: unknown template"):
        templates_from_mapping({"en": full})


def test_templates_missing_language_file_fails(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="responses file not found"):
        load_templates(tmp_path, ("en",))


def test_templates_variation_choice_is_deterministic() -> None:
    templates = load_templates(ROOT / "training_data")
    first = templates.render("greet", "en", {}, seed="conv:1")
    assert all(templates.render("greet", "en", {}, seed="conv:1") == first for _ in range(5))
    assert len({templates.render("greet", "en", {}, seed=f"conv:{i}") for i in range(20)}) == 2
