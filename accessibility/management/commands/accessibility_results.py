"""Publishes the latest axe-core measurements (recorded by the browser tests) as the committed
docs/accessibility/results.json that the accessibility statement is generated from."""

from django.core.management.base import BaseCommand, CommandError

from accessibility.results import measured_path, publish, published_path


class Command(BaseCommand):
    help = "Turns the latest axe-core results into docs/accessibility/results.json."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=None, help=f"default: {measured_path()}")
        parser.add_argument("--output", default=None, help=f"default: {published_path()}")

    def handle(self, *args, source, output, **options):
        try:
            summary = publish(source, output)
        except FileNotFoundError as missing:
            raise CommandError(
                f"No measured results ({missing.filename}): run the browser tests first "
                "(bash scripts/test.sh tests/e2e)."
            ) from None
        except ValueError as error:
            raise CommandError(f"Unreadable results: {error}") from None
        self.stdout.write(
            f"{len(summary['pages'])} pages, {len(summary['rules_passed'])} rules passed, "
            f"{len(summary['violations'])} rules violated, tested "
            f"{summary['tested_from']}..{summary['tested_to']} → {output or published_path()}"
        )
