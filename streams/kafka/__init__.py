"""Shell layer: everything that talks to Kafka outside the Faust app itself (bootstrap rule, client settings,
admin, the consumer adapter, the view's mirror reader, the CLI's clients, the embedded local broker)."""
