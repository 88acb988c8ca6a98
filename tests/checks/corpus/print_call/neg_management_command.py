# corpus-path: hc/api/management/commands/sendalerts.py
class Command:
    def handle(self, *args, **options):
        print("sending alerts")
