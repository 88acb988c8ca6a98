"""The write layer: every INSERT/UPDATE/DELETE goes through here."""
