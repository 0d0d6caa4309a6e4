from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from digest.editions.selectors import edition_entries
from digest.management.commands._helpers import parse_date
from digest.models import Edition
from digest.translation.audit import PaperAudit, audit_texts, load_texts


class Command(BaseCommand):
    help = (
        "List every place where an edition's Taiwan or Hong Kong text still contains a mainland-only form from "
        "the watch list, and every character the conversion added or dropped outside a table entry (round trip "
        "back to Simplified, word by word), per paper; print the watch-list hits of plain OpenCC against ours and "
        "the round-trip slips of phrases matched by character strings against the word-wise conversion "
        "(before/after). --texts audits a file of Simplified texts instead: a JSON object {arxiv_id: {title, "
        "abstract}} or JSON lines (.jsonl, .jsonl.gz) such as tests/fixtures/zh_corpus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD: the daily edition of that day")
        parser.add_argument(
            "--texts", help="a JSON file {arxiv_id: {title, abstract}} or JSON lines of Simplified texts"
        )

    def handle(self, *args, **options):
        if bool(options["date"]) == bool(options["texts"]):
            raise CommandError("give --date YYYY-MM-DD or --texts PATH.json")
        if options["texts"]:
            papers = self._texts(options["texts"])
            what = options["texts"]
        else:
            on_date = parse_date(options["date"])
            edition = Edition.objects.filter(date=on_date, kind=Edition.Kind.DAILY).first()
            if edition is None:
                raise CommandError(f"no daily edition on {on_date}; run build_edition --date {on_date} first")
            papers = []
            for entry in edition_entries(edition):
                translation = entry.paper.current_translation()
                if translation is None:
                    self.stdout.write(f"{entry.paper.arxiv_id}: not translated (readers get English)")
                    continue
                papers.append((entry.paper.arxiv_id, translation.title, translation.abstract))
            what = f"the edition of {on_date}"
        self._report(audit_texts(papers), what)

    def _texts(self, path: str) -> list[tuple[str, str, str]]:
        try:
            return load_texts(Path(path))
        except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise CommandError(f"cannot read {path}: {error.__class__.__name__}: {error}") from None

    def _report(self, audits: list[PaperAudit], what: str) -> None:
        for audit in audits:
            for hit in audit.hits:
                self.stdout.write(
                    f"{audit.label} {hit.language}: {hit.form} ×{hit.count} (use {hit.preferred}) …{hit.context}…"
                )
            for slip in audit.slips:
                sign = "+" if slip.kind == "insertion" else "-"
                self.stdout.write(
                    f"{audit.label} {slip.language}: round trip {sign}{slip.characters} ({slip.kind}) "
                    f"{slip.source} -> {slip.back}"
                )
        flagged = sum(1 for audit in audits if audit.hits or audit.slips)
        before, after = sum(a.before for a in audits), sum(a.after for a in audits)
        self.stdout.write(
            f"watch-list hits over {len(audits)} papers of {what}: plain OpenCC {before}, "
            f"with our phrase table {after}; {flagged} papers still to fix"
        )
        slips_before, slips_after = sum(a.slips_before for a in audits), sum(len(a.slips) for a in audits)
        self.stdout.write(
            f"round-trip slips (a character added or dropped outside a table entry) over {len(audits)} papers: "
            f"phrases matched by character strings {slips_before}, word by word {slips_after}"
        )
