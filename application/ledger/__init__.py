"""The tamper-evident ledger: every stored event hashed, in log order, into a Merkle tree
(RFC 6962 / 9162 style) with signed checkpoints an auditor keeps outside the system."""
