"""Business logic: the only layer that combines the DB, WhatsApp and the LLM."""
