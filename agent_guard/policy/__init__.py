"""What is required: rule files and config, compiled into a Policy of checks."""
