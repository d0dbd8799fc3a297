from typing import Any

from django.core.management.base import BaseCommand

from surveys.publication import LAG_DAYS, publish_due


class Command(BaseCommand):
    help = (
        f"Publish every month that ended more than {LAG_DAYS} days ago: count its last "
        "queued responses and its national breakdowns, and let analysts see it. Run it "
        "daily; analysts see nothing of a month until it has run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        published = publish_due()
        for month in published:
            self.stdout.write(f"Published {month:%B %Y}.")
        self.stdout.write(f"{len(published)} month(s) published.")
