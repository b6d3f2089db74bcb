"""The figures of a consultation in a fixed number of queries, whatever the number of
responses: SQL GROUP BY aggregates over answers, exact integer weights summed in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from consultations import visibility
from consultations.charts import Bar, bar_chart
from consultations.choices import (
    SCALE_MAX,
    SCALE_MIN,
    Audience,
    ParticipantVisibility,
    QuestionKind,
)
from consultations.models import Answer, ConsultationPage, Opinion, Response
from consultations.models.responses import area_from_weight, units_from_weight
from portal.community.masking import mask_name

TEXT_ANSWERS_SHOWN = 200
OPINIONS_SHOWN = 100  # per section on the results page; the report lists every one


@dataclass
class OptionFigure:
    label: str
    count: int = 0
    unit_weight: int = 0
    area_weight: int = 0
    share: float = 0.0  # of the question's respondents, for display only

    @property
    def units(self) -> Decimal:
        return units_from_weight(self.unit_weight)

    @property
    def area(self) -> Decimal:
        return area_from_weight(self.area_weight)


@dataclass
class TextAnswer:
    """One text answer as listed: its words are read through consultations.visibility
    (`withheld`, and `readable` for this reader, set by `mark_answers_for_reader`)."""

    pk: int
    participant: str
    text: str
    author_id: int
    consultation: Any
    held_reason: str = ""
    hidden_reason: str = ""
    hidden_at: Any = None
    withheld: str = ""
    readable: bool = False


@dataclass
class QuestionFigure:
    question: Any
    respondents: int = 0
    options: list[OptionFigure] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)
    text_total: int = 0  # every text answer, withheld ones too: they count
    mean: Decimal | None = None
    chart: str = ""
    unit_chart: str = ""
    area_chart: str = ""


@dataclass
class SectionOpinions:
    anchor: str
    heading: str
    opinions: list[Any] = field(default_factory=list)
    removed: bool = False
    total: int = 0


@dataclass
class Results:
    respondents: int
    unit_weight: int
    area_weight: int
    weighted: bool
    questions: list[QuestionFigure]
    sections: list[SectionOpinions]
    opinion_count: int

    @property
    def units(self) -> Decimal:
        return units_from_weight(self.unit_weight)

    @property
    def area(self) -> Decimal:
        return area_from_weight(self.area_weight)


def participant_labels(consultation: ConsultationPage, *, show_names: bool) -> dict[int, str]:
    """Return each response's label: the (masked) name, or 参与人 N numbered by submission."""
    rows = Response.objects.filter(consultation=consultation).order_by("pk")
    numbered = _("参与人 %(n)d")  # translated once, not once per participant
    if show_names:
        return {
            pk: mask_name(name) or numbered % {"n": n}
            for n, (pk, name) in enumerate(rows.values_list("pk", "user__display_name"), 1)
        }
    return {pk: numbered % {"n": n} for n, pk in enumerate(rows.values_list("pk", flat=True), 1)}


def names_shown(consultation: ConsultationPage, *, viewer_manages: bool) -> bool:
    return viewer_manages or consultation.participant_visibility == ParticipantVisibility.PUBLIC


def _percent(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def compute(consultation: ConsultationPage, *, show_names: bool) -> Results:
    """Return the results in 8 queries, for any number of responses."""
    questions = list(consultation.questions.all())
    sections = list(consultation.sections.all())
    weighted = consultation.audience == Audience.OWNERS
    totals = Response.objects.filter(consultation=consultation).aggregate(
        n=Count("pk"), units=Sum("unit_weight"), area=Sum("area_weight")
    )
    answers = Answer.objects.filter(response__consultation=consultation)
    figures = {q.pk: QuestionFigure(question=q) for q in questions}
    for row in answers.values("question_id").annotate(n=Count("response_id", distinct=True)):
        if row["question_id"] in figures:
            figures[row["question_id"]].respondents = row["n"]
    buckets: dict[tuple[int, str, int], dict] = {}
    for row in (
        answers.filter(Q(choice__isnull=False) | Q(scale__isnull=False))
        .values("question_id", "choice", "scale")
        .annotate(
            n=Count("pk"), units=Sum("response__unit_weight"), area=Sum("response__area_weight")
        )
    ):
        kind, value = ("c", row["choice"]) if row["choice"] is not None else ("s", row["scale"])
        buckets[(row["question_id"], kind, value)] = row
    labels = participant_labels(consultation, show_names=show_names)
    text_rows = (
        answers.exclude(text="")
        .order_by("question_id", "response_id")
        .values_list(
            "pk",
            "question_id",
            "response_id",
            "response__user_id",
            "text",
            "held_reason",
            "hidden_reason",
            "hidden_at",
        )
    )
    for pk, question_id, response_id, author_id, text, held, hidden, hidden_at in text_rows:
        figure = figures.get(question_id)
        if figure is None:
            continue
        figure.text_total += 1
        if len(figure.texts) < TEXT_ANSWERS_SHOWN:
            answer = TextAnswer(
                pk=pk,
                participant=labels.get(response_id, ""),
                text=text,
                author_id=author_id,
                consultation=consultation,
                held_reason=held,
                hidden_reason=hidden,
                hidden_at=hidden_at,
            )
            # Withheld until a reader is asked about (visibility.mark_answers_for_reader).
            answer.withheld = visibility.answer_withheld_line(answer)
            figure.texts.append(answer)

    for question in questions:
        figure = figures[question.pk]
        if question.kind == QuestionKind.TEXT:
            continue
        if question.kind == QuestionKind.SCALE:
            pairs = [(value, str(value)) for value in range(SCALE_MIN, SCALE_MAX + 1)]
            kind = "s"
        else:
            pairs = question.option_pairs()
            kind = "c"
        total_score = 0
        scored = 0
        for value, label in pairs:
            row = buckets.get((question.pk, kind, value), {})
            option = OptionFigure(
                label=label if kind == "c" else _("%(n)d 分") % {"n": value},
                count=row.get("n", 0),
                unit_weight=row.get("units") or 0,
                area_weight=row.get("area") or 0,
            )
            option.share = _percent(option.count, figure.respondents)
            figure.options.append(option)
            if kind == "s":
                total_score += value * option.count
                scored += option.count
        if scored:
            figure.mean = (Decimal(total_score) / Decimal(scored)).quantize(Decimal("0.01"))
        figure.chart = bar_chart(
            [
                Bar(
                    o.label, o.share, _("%(n)d 人 · %(p).1f%%") % {"n": o.count, "p": 100 * o.share}
                )
                for o in figure.options
            ],
            title=question.text,
        )
        if weighted:
            unit_total = sum(o.unit_weight for o in figure.options) or 0
            area_total = sum(o.area_weight for o in figure.options) or 0
            figure.unit_chart = bar_chart(
                [
                    Bar(
                        o.label,
                        _percent(o.unit_weight, unit_total),
                        _("%(u)s 户 · %(p).1f%%")
                        % {"u": _fmt(o.units), "p": 100 * _percent(o.unit_weight, unit_total)},
                    )
                    for o in figure.options
                ],
                title=_("%(q)s（按户数）") % {"q": question.text},
            )
            figure.area_chart = bar_chart(
                [
                    Bar(
                        o.label,
                        _percent(o.area_weight, area_total),
                        _("%(a)s ㎡ · %(p).1f%%")
                        % {"a": _fmt(o.area, 2), "p": 100 * _percent(o.area_weight, area_total)},
                    )
                    for o in figure.options
                ],
                title=_("%(q)s（按专有部分面积）") % {"q": question.text},
            )

    groups = opinions_by_section(consultation, sections, labels, limit=OPINIONS_SHOWN)
    return Results(
        respondents=totals["n"] or 0,
        unit_weight=totals["units"] or 0,
        area_weight=totals["area"] or 0,
        weighted=weighted,
        questions=[figures[q.pk] for q in questions],
        sections=groups,
        opinion_count=sum(group.total for group in groups),
    )


def opinions_by_section(
    consultation: ConsultationPage,
    sections: list[Any],
    labels: dict[int, str],
    *,
    limit: int | None = None,
) -> list[SectionOpinions]:
    """Return the opinions grouped by section in the draft's order: overall first, then each
    section, then sections since removed from the draft (under the heading they had)."""
    groups: dict[str, SectionOpinions] = {"": SectionOpinions("", _("总体意见"))}
    for section in sections:
        groups[section.anchor] = SectionOpinions(section.anchor, section.heading)
    # The respondent comes along: whether a withheld opinion is readable asks whose it is
    # (consultations.visibility.mark_for_reader), once per opinion otherwise.
    opinions = (
        Opinion.objects.filter(consultation=consultation)
        .select_related("response")
        .only(
            "pk",
            "response_id",
            "response__user",
            "section_anchor",
            "section_heading",
            "body",
            "handling",
            "reason",
            "held_reason",
            "hidden_reason",
            "hidden_at",
        )
    )
    totals: dict[str, int] | None = None
    if limit is not None:
        # Only the first `limit` of each section leave the database (a window function),
        # and the totals come from one GROUP BY.
        totals = dict(
            Opinion.objects.filter(consultation=consultation)
            .values_list("section_anchor")
            .annotate(n=Count("pk"))
            .values_list("section_anchor", "n")
        )
        opinions = opinions.annotate(
            rank=Window(RowNumber(), partition_by=[F("section_anchor")], order_by=F("pk").asc())
        ).filter(rank__lte=limit)
    for opinion in opinions.order_by("response_id", "pk"):
        opinion.participant = labels.get(opinion.response_id, "")
        opinion.is_mine = False
        group = groups.get(opinion.section_anchor)
        if group is None:
            group = groups[opinion.section_anchor] = SectionOpinions(
                opinion.section_anchor, opinion.section_heading, removed=True
            )
        group.opinions.append(opinion)
    for group in groups.values():
        group.total = totals.get(group.anchor, 0) if totals is not None else len(group.opinions)
    return list(groups.values())


def _fmt(value: Decimal, places: int | None = None) -> str:
    """Return a Decimal without trailing zeros (1.0000 → 1), or with fixed places."""
    if places is not None:
        return f"{value.quantize(Decimal(10) ** -places):,}"
    normalized = value.normalize()
    return f"{normalized:f}"
