class Report:
    print = staticmethod(lambda *args: args)

    def render(self):
        return self.print("x")
