class Printer:
    def print(self, document):
        return document


def run(printer, document):
    printer.print(document)
