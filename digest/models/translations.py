"""A paper's Simplified Chinese text, the model's failed attempts and requests, and the editors' glossary
and phrase table."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digest.languages import LANGUAGE_CHOICES, Language
from digest.models.papers import Paper


class Translation(models.Model):
    """The model's (or an editor's) Simplified Chinese text of a paper, made once per source text."""

    paper = models.ForeignKey(Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=16, default="zh-Hans")
    title = models.TextField(_("title"))
    abstract = models.TextField(_("abstract"))
    model = models.CharField(_("model"), max_length=100)
    prompt_version = models.CharField(_("prompt version"), max_length=20)
    source_hash = models.CharField(_("source hash"), max_length=64)
    by_editor = models.BooleanField(_("by editor"), default=False)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveIntegerField(_("completion tokens"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: One sentence (zh-Hans) to scan a paper by, when the model gave one; shown under the title.
    tldr = models.TextField(_("summary"), blank=True)
    #: Topic slugs the model chose from the site's list (digest.papers.classify weighs them with the rules).
    topics = models.JSONField(_("topics"), default=list, blank=True)
    superseded_at = models.DateTimeField(
        _("superseded at"),
        null=True,
        blank=True,
        help_text=_("set when a forced translation run replaced this text; no longer shown"),
    )
    review_reasons = models.JSONField(
        _("review reasons"),
        default=list,
        blank=True,
        help_text=_(
            "soft deviations the reply checks accepted (and repaired where a rule could); an editor clears "
            "them after reading the text"
        ),
    )

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "language", "source_hash", "model", "prompt_version"],
                name="one_translation_per_source_model_prompt",
            )
        ]
        ordering = ["-by_editor", "-created_at"]

    def __str__(self) -> str:
        return f"{self.paper.arxiv_id} {self.language} ({self.model})"

    def text_hash(self) -> str:
        """What a reader of this text reads (title, abstract, summary), hashed: a variant override written against
        it applies while the paper's current translation still hashes the same (VariantOverride.made_from)."""
        return text_hash(self.title, self.abstract, self.tldr)


def text_hash(title: str, abstract: str, tldr: str = "") -> str:
    return hashlib.sha256(f"{title}\n\n{abstract}\n\n{tldr}".encode()).hexdigest()[:32]


class TranslationFailure(models.Model):
    """A reply we refused or a request that failed, kept so editors see why a paper is in English."""

    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="translation_failures"
    )
    model = models.CharField(_("model"), max_length=100)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("translation failure")
        verbose_name_plural = _("translation failures")

    def __str__(self) -> str:
        return f"{self.paper_id}: {self.reason[:80]}"


class TranslationRequest(models.Model):
    """One HTTP request to the translator, successful or not: what the provider bills us for.

    Failed attempts are kept too (a reply refused by validation still cost its tokens), so the monthly
    totals in the admin are what the invoice will say, not only what ended up in an email.
    """

    class Status(models.TextChoices):
        OK = "ok", _("ok")
        FAILED = "failed", _("failed")

    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), null=True, on_delete=models.SET_NULL, related_name="translation_requests"
    )
    model = models.CharField(_("model"), max_length=100)
    prompt_version = models.CharField(_("prompt version"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    http_status = models.PositiveSmallIntegerField(_("http status"), null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveIntegerField(_("completion tokens"), default=0)
    latency_ms = models.PositiveIntegerField(_("latency ms"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("translation request")
        verbose_name_plural = _("translation requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.model} {self.get_status_display()} {self.created_at:%Y-%m-%d %H:%M}"


class GlossaryTerm(models.Model):
    """A term the model must keep verbatim or render one fixed way, and that OpenCC must not rewrite."""

    term = models.CharField(_("term"), max_length=100, unique=True, help_text=_("English, as it appears in abstracts"))
    keep_verbatim = models.BooleanField(
        _("keep verbatim"), default=False, help_text=_("keep the English term as is (LLM, GPU, CLIP)")
    )
    zh_hans = models.CharField(
        _("Simplified rendering"),
        max_length=100,
        blank=True,
        help_text=_("e.g. 状态空间模型; empty when kept verbatim"),
    )
    zh_hant_tw = models.CharField(
        _("Taiwan rendering"),
        max_length=100,
        blank=True,
        help_text=_("empty: OpenCC s2twp of the Simplified rendering"),
    )
    zh_hant_hk = models.CharField(
        _("Hong Kong rendering"),
        max_length=100,
        blank=True,
        help_text=_("empty: OpenCC s2hk of the Simplified rendering"),
    )
    case_sensitive = models.BooleanField(
        _("case sensitive"), default=False, help_text=_("match the English term only with this casing")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    variants = models.TextField(
        _("accepted variants"),
        blank=True,
        help_text=_(
            "other Simplified renderings models write (one per line, e.g. 大型语言模型): a reply using one is "
            "accepted, the variant replaced by the required form, and flagged for review"
        ),
    )

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def variant_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.variants.replace("，", "\n").splitlines() if line.strip())

    def clean(self) -> None:
        if not self.keep_verbatim and not self.zh_hans.strip():
            raise ValidationError(_("Give a Simplified rendering, or tick 'keep verbatim'."))


class VariantPhrase(models.Model):
    """An editor's entry in the AI-domain phrase table: how a Simplified phrase reads in Taiwan and Hong Kong.

    Applied at render time (digest/translation/phrases), so a new row changes the next email, archive page or
    feed without re-translating anything; it replaces the shipped row for the same phrase."""

    zh_hans = models.CharField(
        _("Simplified phrase"),
        max_length=100,
        unique=True,
        help_text=_("as the stored translation writes it, e.g. 鲁棒性"),
    )
    zh_hant_tw = models.CharField(
        _("Taiwan form"), max_length=100, blank=True, help_text=_("e.g. 穩健性; empty: the shipped form or OpenCC's")
    )
    zh_hant_hk = models.CharField(
        _("Hong Kong form"), max_length=100, blank=True, help_text=_("e.g. 穩健性; empty: the shipped form or OpenCC's")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["zh_hans"]
        verbose_name = _("variant phrase")
        verbose_name_plural = _("variant phrases")

    def __str__(self) -> str:
        return self.zh_hans

    def clean(self) -> None:
        self.zh_hans = self.zh_hans.strip()
        if not self.zh_hant_tw.strip() and not self.zh_hant_hk.strip():
            raise ValidationError(_("Give the Taiwan form, the Hong Kong form, or both."))
        if any(ch in self.zh_hans for ch in "\ue000\ue001\ue002\ue003"):
            raise ValidationError(_("The phrase contains a reserved character."))


#: The variants an editor can write a paper's text for directly (the others are the source, or English).
OVERRIDE_LANGUAGES = (Language.ZH_HANT_TW.value, Language.ZH_HANT_HK.value)


class VariantOverride(models.Model):
    """An editor's own text of a paper for the readers of one Traditional variant (Taiwan or Hong Kong), shown to
    them instead of the conversion of the Simplified translation, where no phrase can fix the conversion.

    It is written against one Simplified text: `made_from` is that translation's text_hash. When the paper's
    current translation changes (a model run stores a new one, an editor saves or discards their Simplified
    version, a re-translation lands, the arXiv text changes), the override is stale: readers get the conversion
    of the new text again and the translation page shows the override as stale, to be rewritten or removed.
    Ignored rather than deleted because the translation has many writers (the daily run, forced runs, the
    re-translation task, the editor's page, the Translation admin) in layers that may not know of overrides: a
    check where the text is read cannot be forgotten by a writer, a text that comes back (an editor's version
    discarded) gets its override back, and the editor's work stays in view to carry over to the new text."""

    #: The variants made by conversion, hence the ones an override can fix (Simplified is edited as the source).
    LANGUAGES = [(code, label) for code, label in LANGUAGE_CHOICES if code in OVERRIDE_LANGUAGES]
    #: Longest text an editor can store: a title or summary is a line, an abstract some 2,000 characters.
    TITLE_MAX = 500
    ABSTRACT_MAX = 10_000
    TLDR_MAX = 1_000

    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="variant_overrides"
    )
    language = models.CharField(_("language"), max_length=16, choices=LANGUAGES)
    title = models.TextField(_("title"))
    abstract = models.TextField(_("abstract"))
    tldr = models.TextField(_("summary"), blank=True, help_text=_("empty: the conversion of the Simplified summary"))
    made_from = models.CharField(
        _("written against"), max_length=64, help_text=_("the Simplified translation it was written for")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("variant override")
        verbose_name_plural = _("variant overrides")
        constraints = [models.UniqueConstraint(fields=["paper", "language"], name="one_override_per_paper_variant")]

    def __str__(self) -> str:
        return f"{self.paper_id} {self.language}"

    def fits(self, translation: Translation | None) -> bool:
        """Whether readers get this override: it was written against `translation` (the paper's current one)."""
        return translation is not None and translation.text_hash() == self.made_from
