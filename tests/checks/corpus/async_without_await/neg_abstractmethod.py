import abc


class Store(abc.ABC):
    @abc.abstractmethod
    async def get(self, key):
        return key
