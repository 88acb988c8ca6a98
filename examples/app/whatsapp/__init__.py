"""The WhatsApp Cloud API: parsing webhooks and sending replies (never the DB)."""
