"""Pure core of dyadwatch: message contracts, NLP extraction and relation arithmetic (no Kafka, no env)."""
