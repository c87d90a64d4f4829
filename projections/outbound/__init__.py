"""Outbound delivery: the event feed, the live streams' log watcher and changed items, and
the webhooks."""
