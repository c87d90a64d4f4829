"""Webhook delivery: the subscribers (a view of their registrations), each one's position and
delivery log (operational state beside the views), and the deliverer that signs and sends."""
