from django.core.management.base import BaseCommand, CommandError

from tipwatch.web import audit


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exits non-zero at the first broken event."

    def handle(self, *args, **options):
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"audit chain broken at event #{result.first_bad_seq}: {result.reason}")
        self.stdout.write(f"audit chain ok: {result.checked} events verified")
