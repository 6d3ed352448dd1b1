"""newswire: a streaming news-ingestion pipeline (repair, entities, quotes; Kafka in, Kafka and Elasticsearch out)."""
