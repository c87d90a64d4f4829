"""The edge kit: what the GraphQL and the HTTP edges share, so that neither imports the other.

- errors: the error vocabulary and its envelope (codes, reasons, bilingual messages, Retry-After);
- blocking: the synchronous application and views run off the event loop;
- observability: request ids, access log, metrics; limits: write rate, request size and time;
- workers: the threads behind `blocking` and the order the service stops in;
- feed_query: a feed cursor and filters checked the same way for /events and subscriptions;
- moments: a moment as given, in the district's time when it carries no zone.

interfaces/server.py and interfaces/bootstrap.py sit above both edges and wire them; the
import-linter contract "The GraphQL and HTTP edges are independent" keeps it so."""
