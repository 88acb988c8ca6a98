"""Order assistant: customers order over WhatsApp; an LLM answers their questions."""
