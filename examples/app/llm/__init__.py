"""The language model: reads context, writes answers, never writes data."""
