"""Slot extractors: rule-based (patterns, dates, fuzzy carrier names) and one learned from annotated examples.

Entry points: :func:`build_rule_extractors` with an :class:`EntityConfig`, then
:meth:`RuleExtractors.extract_all`; :class:`LearnedEntityExtractor` for slot types only the training data
knows; :func:`merge_entities` to combine both under one precedence rule.
"""

from nlu.extractors.base import Extractor
from nlu.extractors.carrier import CarrierExtractor
from nlu.extractors.config import EntityConfig
from nlu.extractors.dates import DateExtractor
from nlu.extractors.email import EmailExtractor
from nlu.extractors.learned import LearnedEntityExtractor
from nlu.extractors.merge import ENTITY_PRIORITY, merge_entities
from nlu.extractors.order_id import RegexOrderIdExtractor
from nlu.extractors.phone import PhoneExtractor
from nlu.extractors.rules import RULE_ENTITY_TYPES, RuleExtractors, build_rule_extractors
from nlu.extractors.tracking import TrackingNumberExtractor

__all__ = [
    "ENTITY_PRIORITY",
    "RULE_ENTITY_TYPES",
    "CarrierExtractor",
    "DateExtractor",
    "EmailExtractor",
    "EntityConfig",
    "Extractor",
    "LearnedEntityExtractor",
    "PhoneExtractor",
    "RegexOrderIdExtractor",
    "RuleExtractors",
    "TrackingNumberExtractor",
    "build_rule_extractors",
    "merge_entities",
]
