"""The running service: store, feeds, clustering, matching, outbox, commands, scheduling."""
