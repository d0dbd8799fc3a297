from django.core.management.base import BaseCommand

from surveys.models import AnswerTally


class Command(BaseCommand):
    help = (
        "Count the responses queued since the last count into the results' tallies. "
        "Run it every few minutes: results pages count the queue first anyway, but a "
        "short queue keeps them quick and says nothing of when anyone responded."
    )

    def handle(self, *args, **options):
        counted = AnswerTally.objects.catch_up()
        self.stdout.write(f"Counted {counted} queued response(s) into the tallies.")
