from django.core.management.base import BaseCommand

from tipwatch.web.demo import ensure_demo_users, load_demo


class Command(BaseCommand):
    help = "Create the demo organisations and users and load generated ads (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--ads", type=int, default=3000)

    def handle(self, *args, **options):
        def progress(done, total):
            self.stderr.write(f"\r{done}/{total} ads", ending="")

        summary = load_demo(seed=options["seed"], n_ads=options["ads"], progress=progress)
        self.stderr.write("")
        self.stdout.write(
            f"demo loaded: {summary['new']} new ads, {summary['duplicate']} duplicates, "
            f"{summary['rejected']} rejected into {summary['organisation']}"
        )
        for login in ensure_demo_users():
            self.stdout.write(f"  {login['role']:<17} {login['username']:<14} (password in demo_logins.json)")
