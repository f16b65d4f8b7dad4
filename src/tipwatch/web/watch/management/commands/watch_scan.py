"""``manage.py watch_scan --org SLUG [--run ID]``: scan stored ads against the organisation's watchlists."""

from django.core.management.base import BaseCommand, CommandError

from tipwatch.web.accounts.models import Organisation
from tipwatch.web.ads.models import Ad
from tipwatch.web.watch.services import scan_ads

__all__ = ["Command"]


class Command(BaseCommand):
    help = "Scan an organisation's ads (all, or one ingest run's) for watchlist terms; alerts are idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--run", type=int, default=None, help="only the ads of this ingest run")

    def handle(self, *args, org: str, run: int | None, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"--org {org!r}: no organisation with this slug; see the admin for the slugs")
        ads = Ad.objects.for_org(organisation)
        if run is not None:
            ads = ads.filter(run_id=run)
        n = scan_ads(organisation, ads)
        self.stdout.write(f"watch_scan: {n} new alert(s) for {organisation.slug}")
