"""The registered webhook receivers, as their registration events left them (no secrets)."""

from __future__ import annotations

import json
from typing import Any

from application.webhooks import Webhook
from projections.store import Tx
from projections.views.base import View, handles, id_text, iso


class WebhookRegistry(View):
    name = "webhook_subscribers"
    tables = (
        "CREATE TABLE IF NOT EXISTS webhook_subscribers (id TEXT PRIMARY KEY, url TEXT NOT NULL,"
        " event_types TEXT NOT NULL, description TEXT NOT NULL, start_after INTEGER NOT NULL,"
        " active INTEGER NOT NULL, registered_at TEXT NOT NULL, registered_by TEXT NOT NULL,"
        " unregistered_at TEXT, unregistered_by TEXT, unregister_reason TEXT NOT NULL,"
        " version INTEGER NOT NULL)",
    )

    @handles(Webhook.WebhookRegistered)
    def registered(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "INSERT INTO webhook_subscribers VALUES (?, ?, ?, ?, ?, 1, ?, ?, NULL, NULL, '', ?)"
            " ON CONFLICT (id) DO NOTHING",
            (
                id_text(e.originator_id),
                e.url,
                json.dumps(e.event_types),
                e.description,
                e.start_after,
                iso(e.timestamp),
                e.actor.name,
                e.originator_version,
            ),
        )

    @handles(Webhook.WebhookUnregistered)
    def unregistered(self, e: Any, tx: Tx) -> None:
        tx.execute(
            "UPDATE webhook_subscribers SET active = 0, unregistered_at = ?, unregistered_by = ?,"
            " unregister_reason = ?, version = ? WHERE id = ?",
            (
                iso(e.timestamp),
                e.actor.name,
                e.reason,
                e.originator_version,
                id_text(e.originator_id),
            ),
        )
