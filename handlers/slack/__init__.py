"""The Slack app: slash commands, links posted in channels, and Block Kit alerts.

Thin over ``bot/``: listeners parse what Slack sends, call ``bot.service.commands`` or the ingest
pipeline, and render the answer. Modules:

- ``app``        — ``create_app``: the slack-bolt ``AsyncApp`` over a Web API base URL;
- ``listeners``  — every listener, registered in one place (``register_listeners``);
- ``slash``      — ``/newsbot …`` text → a ``bot.service.commands`` call → ``Reply``;
- ``blocks``     — ``Reply`` and link analyses as Block Kit (alerts: ``handlers.render``);
- ``permissions``— who may change subscriptions and feeds;
- ``sink``       — ``SlackSink``: the outbox's sender for platform ``"slack"``;
- ``platform``   — ``build_platform``, the ``newsbot.platforms`` entry point: HTTP mode
  (``POST /slack/events``) or Socket Mode, started and stopped by ``bot.service.app.Service``.

Only ``app``, ``listeners`` and ``platform`` import slack_bolt; ``sink`` needs httpx alone,
so the outbox can send Slack alerts from a process without the Slack app.
"""
