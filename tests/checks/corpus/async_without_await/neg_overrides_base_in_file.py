class Notifier:
    async def send(self, text: str) -> None:
        await self.transport.write(text)


class SilentNotifier(Notifier):
    async def send(self, text: str) -> None:
        self.sent = text
