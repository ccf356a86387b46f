"""Explanations in words, Bahasa Indonesia (``id``) or English (``en``), for a reader who
must defend the class in a briefing: each reason with its points, then what set the class."""

from __future__ import annotations

from pollguard.domain.risk import Contribution, Factor, RiskClass, TpsRisk
from pollguard.risk.aggregate import RiskSummary

POINTS = (Factor.INDICATOR, Factor.AREA, Factor.EVENT)
WORDS = {
    "id": {"tps": "TPS", "score": "skor", "mean": "skor rata-rata", "max": "tertinggi",
           "top": "indikator terbanyak", "none": "tidak ada", "class": "kategori",
           "because": "karena", "total": "jumlah poin"},
    "en": {"tps": "TPS", "score": "score", "mean": "mean score", "max": "highest",
           "top": "most frequent indicators", "none": "none", "class": "class",
           "because": "because", "total": "total points"},
}


def label(risk_class: RiskClass, lang: str) -> str:
    return risk_class.label_id if lang == "id" else risk_class.label_en


def text(c: Contribution, lang: str) -> str:
    return c.text_id if lang == "id" else c.text_en


def explain(risk: TpsRisk, lang: str = "id") -> list[str]:
    """One line per reason: points first, largest first; then the class and what set it."""
    w = WORDS[lang]
    lines = [f"+{c.points:5.1f}  {text(c, lang)}"
             for c in sorted((c for c in risk.reasons if c.factor in POINTS),
                             key=lambda c: -c.points)]
    if not lines:
        lines.append(f"+  0.0  ({w['none']})")
    lines.append(f"={risk.score:5.1f}  {w['total']}")
    setters = [c for c in risk.reasons if c.factor not in POINTS]
    decisive = [c for c in setters if c.factor != Factor.THRESHOLD] or setters
    lines.append(f"=> {label(risk.risk_class, lang).upper()} {w['because']} "
                 + "; ".join(text(c, lang) for c in decisive))
    return lines


def describe(summary: RiskSummary, lang: str = "id",
             indicator_names: dict[str, str] | None = None) -> str:
    """One paragraph: class counts, scores and the most frequent indicators."""
    w = WORDS[lang]
    counts = ", ".join(f"{summary.count(k)} {label(k, lang)}"
                       for k in (RiskClass.SANGAT_RAWAN, RiskClass.RAWAN,
                                 RiskClass.KURANG_RAWAN, RiskClass.KHUSUS))
    names = indicator_names or {}
    top = ", ".join(f"{names.get(code, code)} ({n} {w['tps']})"
                    for code, n in summary.top_indicators) or w["none"]
    return (f"{summary.tps} {w['tps']}: {counts}. {w['mean'].capitalize()} "
            f"{summary.mean_score:.1f}, {w['max']} {summary.max_score:.1f}. "
            f"{w['top'].capitalize()}: {top}.")
