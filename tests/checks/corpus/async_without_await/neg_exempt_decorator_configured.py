# corpus-options: {"exempt_decorators": ["typing.override"]}
from typing import override


class Base:
    async def close(self):
        raise NotImplementedError


class Child(Base):
    @override
    async def close(self):
        return None
