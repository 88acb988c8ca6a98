from app.core.security.providers import AuthProvider


class CredentialsProvider(AuthProvider):
    async def authenticate(self) -> str | None:
        return self.token if self.valid else None
