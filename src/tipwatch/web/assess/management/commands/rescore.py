from django.core.management.base import BaseCommand, CommandError

from tipwatch.engine.indicators import load_catalogue
from tipwatch.web import audit
from tipwatch.web.accounts.models import Organisation
from tipwatch.web.assess.services import rescore


class Command(BaseCommand):
    help = (
        "Re-assess stored ads whose assessment was made with another indicator catalogue "
        "(or that have none). --all re-assesses every ad."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="SLUG", help="only this organisation (default: all)")
        parser.add_argument("--all", action="store_true", help="re-assess every ad, not only stale ones")

    def handle(self, *args, **options):
        org = None
        if options["org"]:
            org = Organisation.objects.filter(slug=options["org"]).first()
            if org is None:
                slugs = ", ".join(Organisation.objects.order_by("slug").values_list("slug", flat=True)[:20])
                raise CommandError(f"rescore --org: no organisation {options['org']!r}; known: {slugs}")
        catalogue = load_catalogue()
        n = rescore(org, stale_only=not options["all"], catalogue=catalogue)
        audit.record(
            "assess.rescore",
            organisation=org,
            assessed=n,
            stale_only=not options["all"],
            catalogue_version=catalogue.version,
        )
        self.stdout.write(
            f"re-assessed {n} ads with catalogue {catalogue.version} ({catalogue.fingerprint[:12]})"
        )
