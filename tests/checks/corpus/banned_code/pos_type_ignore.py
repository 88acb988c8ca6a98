# corpus-binding: {"targets": ["# type: ignore", "# noqa"]}
import vendored  # type: ignore[import-untyped]  # expect: AG110

VALUE = vendored.thing()  # noqa: F401  # expect: AG110
