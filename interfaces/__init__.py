"""The ways in: GraphQL and HTTP for people and systems, the command line for operators."""
