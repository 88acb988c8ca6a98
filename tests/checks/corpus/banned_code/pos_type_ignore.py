# corpus-binding: {"targets": ["# type: ignore", "# noqa"]}
import vendored  # type: ignore[import-untyped]  # expect: AG110:18

VALUE = vendored.thing()  # noqa: F401  # expect: AG110:27
