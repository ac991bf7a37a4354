"""Chat-platform adapters (Slack, Discord, webhooks, console) over `bot/`."""
