"""One module per `annotator` subcommand. Each defines ``register(subparsers)``."""
