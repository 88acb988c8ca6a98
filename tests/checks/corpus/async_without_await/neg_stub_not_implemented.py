class Handler:
    async def handle(self, event):
        """Handle the event."""
        raise NotImplementedError
