from django.core.management.base import BaseCommand

from surveys import breakdowns


class Command(BaseCommand):
    help = (
        "Count national breakdowns (by each 'about you' answer) for every month whose "
        "kept counts are missing or out of date. Run it nightly; the results page counts "
        "uncovered months directly, which is slow nationally at large volumes."
    )

    def handle(self, *args, **options):
        stale = breakdowns.stale_months()
        for month in stale:
            breakdowns.refresh(month)
            self.stdout.write(f"Counted breakdowns for {month:%B %Y}.")
        self.stdout.write(f"{len(stale)} month(s) refreshed.")
